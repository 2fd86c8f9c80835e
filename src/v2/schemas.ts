/**
 * zod schemas for Eden's v2 answers, built once at module load. They are tolerant where Eden is
 * inconsistent (balance as string or number, naive times, token value present or masked) and
 * convert straight to SDK objects, so each body is parsed exactly once.
 */
import { z } from 'zod';
import { Secret } from '../core/secret.js';
import { isSensitiveKey } from '../http/errors-map.js';
import { parseWireTime } from '../http/wire.js';
import type { EdenToken, ResetPeriod, TokenType } from '../ports/backend.js';
import type { UsageRecord } from '../ports/usage.js';

const DECIMAL = /^\s*-?\d+(?:\.\d+)?\s*$/;

/** `12.5`, `"12.500000000"` or null/absent → number | null. */
export const money = z
  .unknown()
  .transform((value, ctx): number | null => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
    ctx.issues.push({ code: 'custom', message: 'expected a number, a decimal string or null', input: value });
    return z.NEVER;
  })
  .optional();

/** ISO date-time (zone optional: naive means UTC) or null/absent → Date | null. */
export const time = z
  .unknown()
  .transform((value, ctx): Date | null => {
    if (value === null || value === undefined) return null;
    const date = typeof value === 'string' ? parseWireTime(value) : undefined;
    if (date) return date;
    ctx.issues.push({ code: 'custom', message: 'expected an ISO date-time or null', input: value });
    return z.NEVER;
  })
  .optional();

import { RESET_PERIODS as resetPeriods, TOKEN_TYPES as tokenTypes } from '../core/limits.js';

export { resetPeriods, tokenTypes };

const KNOWN_TOKEN_FIELDS = new Set([
  'name',
  'token',
  'token_type',
  'balance',
  'active_balance',
  'expire_time',
  'balance_reset_period',
  'balance_reset_amount',
  'masked',
  'last4',
]);

const wireToken = z.looseObject({
  name: z.string().min(1),
  token: z.string().nullish(),
  token_type: z.enum(tokenTypes),
  balance: money,
  active_balance: z.boolean().nullish(),
  expire_time: time,
  balance_reset_period: z.enum(resetPeriods).nullish(),
  balance_reset_amount: money,
  masked: z.string().nullish(),
  last4: z.string().nullish(),
});

function toEdenToken(w: z.output<typeof wireToken>): EdenToken {
  const token: EdenToken = {
    name: w.name,
    tokenType: w.token_type,
    balance: w.balance ?? null,
    activeBalance: w.active_balance ?? false,
    expireTime: w.expire_time ?? null,
    balanceResetPeriod: w.balance_reset_period ?? 'none',
    balanceResetAmount: w.balance_reset_amount ?? null,
  };
  if (w.token) token.secret = new Secret(w.token);
  if (w.masked) token.masked = w.masked;
  if (w.last4) token.last4 = w.last4;
  const extra = unknownFields(w, KNOWN_TOKEN_FIELDS);
  if (extra) token.extra = extra;
  return token;
}

/** Unknown fields are kept for callers, except anything that could hold a secret. */
export function unknownFields(wire: Record<string, unknown>, known: ReadonlySet<string>) {
  let extra: Record<string, unknown> | undefined;
  for (const key in wire) {
    if (known.has(key) || isSensitiveKey(key)) continue;
    extra ??= {};
    extra[key] = wire[key];
  }
  return extra;
}

/** One token (create 201, retrieve 200, patch 200). */
export const tokenSchema: z.ZodType<EdenToken> = wireToken.transform(toEdenToken);
/** `GET /user/custom_token/`: a bare array. */
export const tokenListSchema: z.ZodType<EdenToken[]> = z.array(tokenSchema);

/** One feature's cost on one day, as both the v2 cost report and the v3 usage answer send it. */
export const costDetails = z.looseObject({
  total_cost: money,
  details: z.number().nullish(),
  cost_per_provider: z.record(z.string(), money).nullish(),
});

const costRow = z.looseObject({
  token: z.string(),
  data: z.record(z.string(), z.record(z.string(), costDetails)).nullish(),
});

/** A parsed cost row: whose usage (`T`: the token name, or null where the row names none), by day, by feature. */
export interface CostRow<T> {
  token: T;
  data?: Record<string, Record<string, z.output<typeof costDetails>>> | null | undefined;
}

/** Cost rows → flat records, one per token × period × feature (v2 and v3 share Eden's cost shape). */
export function flattenCostRows<T>(
  rows: readonly CostRow<T>[],
): (Omit<UsageRecord, 'token'> & { token: T })[] {
  const records: (Omit<UsageRecord, 'token'> & { token: T })[] = [];
  for (const row of rows) {
    if (!row.data) continue;
    for (const date in row.data) {
      const features = row.data[date]!;
      // Period starts are calendar days; some servers send full timestamps.
      const day = date.length > 10 ? date.slice(0, 10) : date;
      for (const feature in features) {
        const d = features[feature]!;
        const costPerProvider: Record<string, number> = {};
        for (const provider in d.cost_per_provider ?? {}) {
          costPerProvider[provider] = d.cost_per_provider![provider] ?? 0;
        }
        records.push({
          token: row.token,
          date: day,
          feature,
          totalCost: d.total_cost ?? 0,
          calls: d.details ?? 0,
          costPerProvider,
        });
      }
    }
  }
  return records;
}

/** `GET /cost_management/` → flat records, one per token × period × feature. */
export const usageSchema: z.ZodType<UsageRecord[]> = z
  .looseObject({ response: z.array(costRow) })
  .transform((body) => flattenCostRows(body.response));

/** `GET /cost_management/credits/` → USD. */
export const creditsSchema: z.ZodType<number> = z.looseObject({ credits: money }).transform((body, ctx) => {
  if (typeof body.credits === 'number') return body.credits;
  ctx.issues.push({ code: 'custom', path: ['credits'], message: 'expected a number', input: body.credits });
  return z.NEVER;
});
