// Create and PATCH semantics of Eden's v2 custom tokens: body validation and budget-reset rules.
import {
  FieldCollector,
  type FieldErrors,
  type Parsed,
  parseBoolean,
  parseChoice,
  parseDateTime,
  parseDecimal,
  parseFloatMoney,
  parseName,
  REQUIRED,
} from './fields.js';
import { parisPeriodKey } from './paris-periods.js';
import type { FakeResetPeriod, FakeTokenType } from './types.js';

/** A token as the store holds it. Money in nano-dollars. */
export interface TokenRecord {
  name: string;
  value: string;
  tokenType: FakeTokenType;
  balance: number | null;
  activeBalance: boolean;
  expireTime: Date | null;
  resetPeriod: FakeResetPeriod;
  resetAmount: number | null;
  /** Paris-local period of the last reset check (see paris-periods.ts). */
  resetKey: string | null;
}

import { RESET_PERIODS, TOKEN_TYPES } from '../../core/limits.js';

export { RESET_PERIODS, TOKEN_TYPES };

/** Eden's balance when a token is created without one (observed `"50.000000000"`). */
const DEFAULT_BALANCE = 50_000_000_000;
const AMOUNT_REQUIRED = "This field is required when balance_reset_period is not 'none'.";
const NON_NEGATIVE = 'Ensure this value is greater than or equal to 0.';

type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const nullable =
  <T>(parse: (raw: unknown) => Parsed<T>) =>
  (raw: unknown): Parsed<T | null> =>
    raw === null ? { value: null } : parse(raw);

const amount =
  (parse: (raw: unknown) => Parsed<number>) =>
  (raw: unknown): Parsed<number | null> => {
    if (raw === null) return { value: null };
    const parsed = parse(raw);
    return 'value' in parsed && parsed.value < 0 ? { error: NON_NEGATIVE } : parsed;
  };

/** Validates a create body and builds the new token (with `value`), or returns field errors. */
export function buildToken(body: Record<string, unknown>, value: string, now: Date): Result<TokenRecord> {
  const f = new FieldCollector();
  if (body.name === undefined) f.fail('name', REQUIRED);
  const name = f.take(body, 'name', parseName);
  const tokenType = f.take(body, 'token_type', (raw) => parseChoice(raw, TOKEN_TYPES));
  const balance = f.take(body, 'balance', nullable(parseDecimal));
  const active = f.take(body, 'active_balance', parseBoolean);
  const expireTime = f.take(body, 'expire_time', parseDateTime);
  const period = f.take(body, 'balance_reset_period', (raw) => parseChoice(raw, RESET_PERIODS)) ?? 'none';
  let resetAmount = f.take(body, 'balance_reset_amount', amount(parseDecimal));
  if (period !== 'none' && resetAmount == null && f.ok) f.fail('balance_reset_amount', AMOUNT_REQUIRED);
  if (!f.ok || name === undefined) return { ok: false, errors: f.errors };
  if (period === 'none') resetAmount = null;
  const periodic = period !== 'none';
  return {
    ok: true,
    value: {
      name,
      value,
      tokenType: tokenType ?? 'api_token',
      // A periodic token starts full unless a balance is given.
      balance: balance !== undefined ? balance : periodic ? resetAmount! : DEFAULT_BALANCE,
      activeBalance: periodic ? true : (active ?? false),
      expireTime: expireTime ?? null,
      resetPeriod: period,
      resetAmount: resetAmount ?? null,
      resetKey: periodic ? parisPeriodKey(now, period) : null,
    },
  };
}

/** Validates a PATCH body against `token` and returns the updated copy, or field errors. */
export function patchToken(
  token: TokenRecord,
  body: Record<string, unknown>,
  now: Date,
): Result<TokenRecord> {
  const f = new FieldCollector();
  // `name` and `token_type` are read-only on PATCH: DRF ignores them silently.
  const balance = f.take(body, 'balance', parseFloatMoney);
  const active = f.take(body, 'active_balance', parseBoolean);
  const expireTime = f.take(body, 'expire_time', parseDateTime);
  const period = f.take(body, 'balance_reset_period', (raw) => parseChoice(raw, RESET_PERIODS));
  const resetAmount = f.take(body, 'balance_reset_amount', amount(parseFloatMoney));
  const next: TokenRecord = { ...token };
  if (balance !== undefined) next.balance = balance;
  if (active !== undefined) next.activeBalance = active;
  if (expireTime !== undefined) next.expireTime = expireTime;
  if (resetAmount !== undefined) next.resetAmount = resetAmount;
  if (period !== undefined && period !== token.resetPeriod) {
    next.resetPeriod = period;
    next.resetKey = period === 'none' ? null : parisPeriodKey(now, period);
  }
  if (period !== undefined && period !== 'none') next.activeBalance = true;
  if (next.resetPeriod === 'none') next.resetAmount = null;
  else if (next.resetAmount === null && f.ok) f.fail('balance_reset_amount', AMOUNT_REQUIRED);
  return f.ok ? { ok: true, value: next } : { ok: false, errors: f.errors };
}
