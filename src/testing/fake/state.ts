// The fake's state as plain JSON (export / import / state file). Money travels as exact decimal
// strings; imports also accept numbers for hand-written files.
import * as z from 'zod/mini';
import { ConfigurationError, InvalidInputError } from '../../core/errors.js';
import { MAX_NAME_LENGTH, RESET_PERIODS, TOKEN_TYPES } from '../../core/limits.js';
import { nanosFromDecimal, nanosToDecimal, toNanos } from '../../core/money.js';
import { formatDay, parseDay } from '../../core/time.js';
import { safeParse } from '../../core/zod.js';
import type { FakeStore, TokenRecord, UsageRow } from './store.js';
import type { FakeState } from './types.js';
import { formatDateTime, parseIsoDateTime } from './wire.js';

const money = z.union([
  z.number().check(z.refine(Number.isFinite)),
  z.string().check(z.refine((s) => nanosFromDecimal(s) !== undefined, 'must be a decimal number')),
]);
const moneyNanos = (value: number | string): number =>
  typeof value === 'number' ? toNanos(value) : nanosFromDecimal(value)!;

const stateSchema = z.object({
  version: z.literal(1),
  credits: money,
  tokens: z.array(
    z.object({
      name: z.string().check(z.minLength(1), z.maxLength(MAX_NAME_LENGTH)),
      value: z.string().check(z.minLength(1)),
      tokenType: z.enum(TOKEN_TYPES),
      balance: z.nullable(money),
      activeBalance: z.boolean(),
      expireTime: z.nullable(
        z.string().check(z.refine((s) => parseIsoDateTime(s) !== undefined, 'must be an ISO date-time')),
      ),
      balanceResetPeriod: z.enum(RESET_PERIODS),
      balanceResetAmount: z.nullable(money),
      resetPeriodKey: z.optional(z.nullable(z.string())),
    }),
  ),
  usage: z.array(
    z.object({
      token: z.string(),
      date: z.string().check(z.refine((s) => parseDay(s) !== undefined, 'must be YYYY-MM-DD')),
      feature: z.string(),
      provider: z.string(),
      cost: money,
      calls: z.number().check(z.int(), z.nonnegative()),
    }),
  ),
});

export function exportState(store: FakeStore): FakeState {
  return {
    version: 1,
    credits: nanosToDecimal(store.credits),
    tokens: store.list().map((t) => ({
      name: t.name,
      value: t.value,
      tokenType: t.tokenType,
      balance: t.balance === null ? null : nanosToDecimal(t.balance),
      activeBalance: t.activeBalance,
      expireTime: t.expireTime === null ? null : formatDateTime(t.expireTime),
      balanceResetPeriod: t.resetPeriod,
      balanceResetAmount: t.resetAmount === null ? null : nanosToDecimal(t.resetAmount),
      resetPeriodKey: t.resetKey,
    })),
    usage: [...store.usage()].map((u) => ({
      token: u.token,
      date: formatDay(u.day),
      feature: u.feature,
      provider: u.provider,
      cost: nanosToDecimal(u.cost),
      calls: u.calls,
    })),
  };
}

/** Validates `state` fully, then replaces the store's content (nothing changes when invalid). */
export function importState(store: FakeStore, state: unknown): void {
  const parsed = safeParse(stateSchema, state);
  if (!parsed.success)
    throw new InvalidInputError(`Invalid fake Eden AI state: ${z.prettifyError(parsed.error)}`, {
      field: 'state',
    });
  const s = parsed.data;
  const tokens: TokenRecord[] = s.tokens.map((t) => ({
    name: t.name,
    value: t.value,
    tokenType: t.tokenType,
    balance: t.balance === null ? null : moneyNanos(t.balance),
    activeBalance: t.activeBalance,
    expireTime: t.expireTime === null ? null : parseIsoDateTime(t.expireTime)!,
    resetPeriod: t.balanceResetPeriod,
    resetAmount: t.balanceResetAmount === null ? null : moneyNanos(t.balanceResetAmount),
    resetKey: t.balanceResetPeriod === 'none' ? null : (t.resetPeriodKey ?? null),
  }));
  const names = new Set(tokens.map((t) => t.name));
  if (names.size !== tokens.length)
    throw new InvalidInputError('Invalid fake Eden AI state: token names must be unique', { field: 'state' });
  const usage: UsageRow[] = s.usage.map((u) => ({
    token: u.token,
    day: parseDay(u.date)!,
    feature: u.feature,
    provider: u.provider,
    cost: moneyNanos(u.cost),
    calls: u.calls,
  }));
  store.replace(moneyNanos(s.credits), tokens, usage);
}

type NodeFs = typeof import('node:fs');

/**
 * node:fs, for the state file. Loaded only when a state file is given, so the in-process fake runs
 * where Node's modules are missing (Workers, edge runtimes); in a try block, bundlers leave the
 * import unresolved instead of failing the build.
 */
export async function loadNodeFs(): Promise<NodeFs> {
  try {
    return await import('node:fs');
  } catch (cause) {
    throw new ConfigurationError('createFakeEdenAI: `stateFile` needs node:fs (Node, Bun, Deno)', { cause });
  }
}

/** Loads `path` into the store when the file exists. */
export function loadStateFile(fs: NodeFs, store: FakeStore, path: string): void {
  if (!fs.existsSync(path)) return;
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch {
    // No cause: JSON.parse messages quote the file's text, which holds token values.
    throw new InvalidInputError(`Fake Eden AI state file ${path} is not valid JSON`, { field: 'stateFile' });
  }
  importState(store, data);
}

/** Writes the state atomically (temp file + rename); owner-only, since it holds token values. */
export function saveStateFile(fs: NodeFs, store: FakeStore, path: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(exportState(store), null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, path);
}
