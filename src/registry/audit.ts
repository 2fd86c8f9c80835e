// The registry's audit trail: one event per write, with the changed fields before → after.
import { auditEvent, emitAudit } from '../audit/event.js';
import type { Clock, Logger } from '../core/types.js';
import type { AuditAction, AuditContext, AuditSink, AuditValue } from '../ports/audit.js';
import type { ManagedToken } from './types.js';

/** The fields whose changes an event lists. */
const FIELDS = [
  'tokenType',
  'budget',
  'balance',
  'activeBalance',
  'expireTime',
  'balanceResetPeriod',
  'balanceResetAmount',
] as const;

const plain = (v: ManagedToken[(typeof FIELDS)[number]]): AuditValue =>
  v instanceof Date ? v.toISOString() : (v ?? null);

/** The fields that differ between `before` (none: a creation) and `after`. */
export function changesOf(
  before: ManagedToken | undefined,
  after: ManagedToken,
): Record<string, { before: AuditValue; after: AuditValue }> {
  const changes: Record<string, { before: AuditValue; after: AuditValue }> = {};
  for (const field of FIELDS) {
    const b = before ? plain(before[field]) : null;
    const a = plain(after[field]);
    if (b !== a) changes[field] = { before: b, after: a };
  }
  return changes;
}

/** Where a write happened: a managed token, or the generations a revoke removes. */
export type AuditSubject = Pick<ManagedToken, 'tokenName' | 'generation' | 'environment' | 'generations'>;

export interface RegistryAudit {
  sink: AuditSink | undefined;
  actor: string | undefined;
  clock: Clock;
  logger: Logger;
}

/**
 * Runs `work` and writes its audit event: the changes from `before` to what it returns, or the
 * error it threw (then rethrown). Without a sink, just runs `work`.
 */
export async function audited<T extends ManagedToken | undefined>(
  audit: RegistryAudit,
  what: {
    action: AuditAction;
    name: string;
    before?: ManagedToken | AuditSubject | undefined;
    ctx?: AuditContext | undefined;
  },
  work: () => Promise<T>,
): Promise<T> {
  if (!audit.sink) return work();
  const { action, name, before, ctx } = what;
  const base = { action, token: name, actor: ctx?.actor ?? audit.actor, reason: ctx?.reason };
  const where = (t: AuditSubject | undefined) =>
    t ? { tokenName: t.tokenName, generation: t.generation, environment: t.environment } : {};
  const write = (input: Parameters<typeof auditEvent>[0]) =>
    emitAudit(audit.sink, [auditEvent(input, audit.clock)], audit.logger);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await write({ ...base, ...where(before), error });
    throw error;
  }
  const full = before && 'budget' in before ? before : undefined;
  if (result) await write({ ...base, ...where(result), changes: changesOf(full, result) });
  else if (before)
    await write({
      ...base,
      ...where(before),
      changes: { generations: { before: before.generations.join(', '), after: null } },
    });
  else await write(base);
  return result;
}
