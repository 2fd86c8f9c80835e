// Eden's v2 custom tokens: /v2/user/custom_token/ and /v2/user/custom_token/{name}/ — the create and
// PATCH rules (validation, budget resets) and the bodies Eden sends back.
import { RESET_PERIODS, TOKEN_TYPES } from '../../core/limits.js';
import { fromNanos, nanosToDecimal, toNanos } from '../../core/money.js';
import type { FakeContext } from './options.js';
import { parisPeriodKey, type TokenRecord } from './store.js';
import {
  FieldCollector,
  type FieldErrors,
  formatDateTime,
  json,
  noContent,
  notAnObject,
  notFound,
  type Parsed,
  parseBoolean,
  parseChoice,
  parseDateTime,
  parseDecimal,
  parseFloatMoney,
  parseName,
  REQUIRED,
  readJsonBody,
  validationError,
} from './wire.js';

/** Eden's answer to a name already taken (names are unique per account, v2 and v3 alike). */
export const DUPLICATE_NAME = 'Token with this name already exists.';

export function listTokens(ctx: FakeContext): Response {
  return json(
    200,
    ctx.store.list().map((t) => readBody(t, ctx.tokenValues)),
  );
}

export async function createToken(ctx: FakeContext, request: Request): Promise<Response> {
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const shapeError = notAnObject(read.body);
  if (shapeError) return validationError({ non_field_errors: [shapeError] });
  const built = buildToken(read.body as Record<string, unknown>, ctx.newTokenValue(), ctx.now());
  if (!built.ok) return validationError(built.errors);
  if (ctx.store.get(built.value.name)) return validationError({ name: [DUPLICATE_NAME] });
  ctx.store.put(built.value);
  return json(201, createdBody(built.value));
}

export function getToken(ctx: FakeContext, name: string): Response {
  const token = ctx.store.get(name);
  return token ? json(200, readBody(token, ctx.tokenValues)) : notFound();
}

export async function updateToken(ctx: FakeContext, request: Request, name: string): Promise<Response> {
  const token = ctx.store.get(name);
  if (!token) return notFound();
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const shapeError = notAnObject(read.body);
  if (shapeError) return validationError({ non_field_errors: [shapeError] });
  const patched = patchToken(token, read.body as Record<string, unknown>, ctx.now());
  if (!patched.ok) return validationError(patched.errors);
  ctx.store.put(patched.value);
  return json(200, patchedBody(patched.value));
}

export function deleteToken(ctx: FakeContext, name: string): Response {
  return ctx.store.remove(name) ? noContent() : notFound();
}

// Create and PATCH semantics: body validation and budget-reset rules.

/** Eden's balance when a token is created without one (observed `"50.000000000"`). */
const DEFAULT_BALANCE = toNanos(50);
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

// Token bodies as Eden sends them: balance as a 9-decimal string on create, a number elsewhere.

const money = (nanos: number | null) => (nanos === null ? null : fromNanos(nanos));
const time = (date: Date | null) => (date === null ? null : formatDateTime(date));

/** 201 body of POST: no `token` (Eden's documented fix aefe454). */
function createdBody(t: TokenRecord): Record<string, unknown> {
  return {
    name: t.name,
    token_type: t.tokenType,
    balance: t.balance === null ? null : nanosToDecimal(t.balance),
    active_balance: t.activeBalance,
    expire_time: time(t.expireTime),
    balance_reset_period: t.resetPeriod,
    balance_reset_amount: t.resetAmount === null ? null : nanosToDecimal(t.resetAmount),
  };
}

/** List and GET body: the value in 'readable' mode, Eden's newer masked fields in 'masked' mode. */
function readBody(t: TokenRecord, mode: FakeContext['tokenValues']): Record<string, unknown> {
  const common = {
    token_type: t.tokenType,
    balance: money(t.balance),
    active_balance: t.activeBalance,
    expire_time: time(t.expireTime),
    balance_reset_amount: money(t.resetAmount),
    balance_reset_period: t.resetPeriod,
  };
  if (mode === 'readable') return { name: t.name, token: t.value, ...common };
  const prefix = t.value.slice(0, 12);
  const last4 = t.value.slice(-4);
  return {
    name: t.name,
    label: t.name,
    masked: `${prefix}…${last4}`,
    key_prefix: prefix,
    last4,
    revoked: false,
    ...common,
    legacy: false,
    synthesized: false,
  };
}

/** 200 body of PATCH. */
function patchedBody(t: TokenRecord): Record<string, unknown> {
  return {
    name: t.name,
    token_type: t.tokenType,
    balance: money(t.balance),
    expire_time: time(t.expireTime),
    active_balance: t.activeBalance,
    balance_reset_amount: money(t.resetAmount),
    balance_reset_period: t.resetPeriod,
  };
}
