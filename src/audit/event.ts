// Building audit events and handing them to a sink, for the managers that emit them.
import { isEdenAIError } from '../core/errors.js';
import type { Clock, Logger } from '../core/types.js';
import type { AuditEvent, AuditSink } from '../ports/audit.js';

/** Who acts when neither the `actor` option nor the call names anyone. */
export const DEFAULT_ACTOR = 'unknown';

/** An event without the fields `auditEvent` fills in. */
export type AuditEventInput = Omit<AuditEvent, 'id' | 'time' | 'outcome' | 'actor' | 'error'> & {
  actor?: string | undefined;
  /** Set for a failed operation: outcome becomes `failure` and the error's code and message are kept. */
  error?: unknown;
};

/** A complete event: a fresh id, the clock's time, the actor, and the outcome. */
export function auditEvent(input: AuditEventInput, clock: Clock): AuditEvent {
  const { error, actor, ...rest } = input;
  const event: AuditEvent = {
    id: globalThis.crypto.randomUUID(),
    time: clock().toISOString(),
    actor: actor ?? DEFAULT_ACTOR,
    ...dropUndefined(rest),
    outcome: error === undefined ? 'success' : 'failure',
  };
  if (error !== undefined) event.error = errorOf(error);
  return event;
}

/**
 * Writes events to the sink, if any. A sink failure is logged, never thrown: the operation it
 * records has already happened at Eden, and failing it now would hide that.
 */
export async function emitAudit(
  sink: AuditSink | undefined,
  events: AuditEvent[],
  logger: Pick<Logger, 'error'>,
): Promise<void> {
  if (!sink || events.length === 0) return;
  try {
    await sink.write(events);
  } catch (error) {
    logger.error(`audit sink "${sink.name}" failed to write ${events.length} event(s)`, {
      error: errorOf(error).message,
      actions: events.map((e) => `${e.action} ${e.token}`),
    });
  }
}

function errorOf(error: unknown): { code: string; message: string } {
  if (isEdenAIError(error)) return { code: error.code, message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : 'unknown',
    message: error instanceof Error ? error.message : String(error),
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
