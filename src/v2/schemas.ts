/**
 * zod/mini schemas (tree-shakable: a Worker bundles only what it uses) for Eden's v2 answers, built
 * once at module load. They are tolerant where Eden is inconsistent (balance as string or number,
 * naive times, token value present or masked) and convert straight to SDK objects, so each body is
 * parsed exactly once.
 */
import * as z from 'zod/mini';
import { ResponseValidationError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import { isSensitiveKey, SecretIndex } from '../http/errors-map.js';
import { parseWireTime, toDay } from '../http/wire.js';
import type { EdenToken } from '../ports/backend.js';
import type { UsageRecord } from '../ports/usage.js';

const DECIMAL = /^\s*-?\d+(?:\.\d+)?\s*$/;

/** `12.5`, `"12.500000000"` or null/absent → number | null. */
export const money = z.optional(
  z.pipe(
    z.unknown(),
    z.transform((value, ctx): number | null => {
      if (value === null || value === undefined) return null;
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
      ctx.issues.push({
        code: 'custom',
        message: 'expected a number, a decimal string or null',
        input: value,
      });
      return z.NEVER;
    }),
  ),
);

/** ISO date-time (zone optional: naive means UTC) or null/absent → Date | null. */
export const time = z.optional(
  z.pipe(
    z.unknown(),
    z.transform((value, ctx): Date | null => {
      if (value === null || value === undefined) return null;
      const date = typeof value === 'string' ? parseWireTime(value) : undefined;
      if (date) return date;
      ctx.issues.push({ code: 'custom', message: 'expected an ISO date-time or null', input: value });
      return z.NEVER;
    }),
  ),
);

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
  'revoked',
]);

const wireToken = z.looseObject({
  name: z.string().check(z.minLength(1)),
  token: z.nullish(z.string()),
  token_type: z.enum(tokenTypes),
  balance: money,
  active_balance: z.nullish(z.boolean()),
  expire_time: time,
  balance_reset_period: z.nullish(z.enum(resetPeriods)),
  balance_reset_amount: money,
  masked: z.nullish(z.string()),
  last4: z.nullish(z.string()),
  // Eden's newer spec lists revoked tokens too.
  revoked: z.nullish(z.boolean()),
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

/** Unknown fields are kept for callers, except those named like a secret (`token`, `api_key`…). */
export function unknownFields(wire: Record<string, unknown>, known: ReadonlySet<string>) {
  let extra: Record<string, unknown> | undefined;
  for (const key in wire) {
    if (known.has(key) || isSensitiveKey(key)) continue;
    extra ??= {};
    extra[key] = wire[key];
  }
  return extra;
}

/** How many received values a client remembers for redaction (its most recent ones). */
const MAX_REMEMBERED = 1000;

/** What the clients keep beside a token and show as they got it: the fields a secret may hide in. */
interface Displayed {
  masked?: string;
  extra?: Record<string, unknown>;
}

/**
 * The secrets a client knows: its API key and the token values it has received (the most recent
 * 1000). They are cut out of what answers carry besides them (unknown fields, the display form),
 * since a server may repeat a value under a name we do not know (`token_value`, `jwt`…), in a later
 * answer that does not carry it otherwise (v3 reads), or echo the key. Redaction by value, not only
 * by field name.
 */
export class KnownSecrets {
  readonly #apiKey: string;
  readonly #values = new Set<string>();

  constructor(apiKey: string) {
    this.#apiKey = apiKey;
  }

  remember(value: string): void {
    this.#values.delete(value);
    this.#values.add(value);
    if (this.#values.size > MAX_REMEMBERED) this.#values.delete(this.#values.values().next().value!);
  }

  /** `items`, each with the known secrets cut out of `extra` and `masked` (in place: fresh parses). */
  scrub<T extends Displayed>(items: T[]): T[] {
    if (!items.some((item) => item.extra || item.masked)) return items;
    const index = new SecretIndex([this.#apiKey, ...this.#values]);
    for (const item of items) {
      if (item.extra) item.extra = index.redactIn(item.extra) as Record<string, unknown>;
      if (item.masked) item.masked = index.redact(item.masked);
    }
    return items;
  }
}

/** A token as read, with Eden's `revoked` flag: a revoked token is not live. */
export interface ReadToken {
  token: EdenToken;
  revoked: boolean;
}

/**
 * The schemas of a client's token answers, built once per client: they remember the values they
 * read into, and scrub the answers with, the client's {@link KnownSecrets}.
 */
export function tokenSchemas(known: KnownSecrets) {
  const read = z.pipe(
    wireToken,
    z.transform((w): ReadToken => {
      if (w.token) known.remember(w.token);
      return { token: toEdenToken(w), revoked: w.revoked === true };
    }),
  );
  return {
    /** One token (create 201, patch 200). */
    token: z.pipe(
      read,
      z.transform((r) => known.scrub([r.token])[0]!),
    ) as z.ZodMiniType<EdenToken>,
    /** One token read by name (retrieve 200), revoked or not. */
    read: z.pipe(
      read,
      z.transform((r) => ({ ...r, token: known.scrub([r.token])[0]! })),
    ) as z.ZodMiniType<ReadToken>,
    /** `GET /user/custom_token/`: a bare array; revoked tokens are left out. */
    list: z.pipe(
      z.array(read),
      z.transform((rows) => known.scrub(rows.filter((r) => !r.revoked).map((r) => r.token))),
    ) as z.ZodMiniType<EdenToken[]>,
  };
}

/**
 * A 2xx answer about another token than the one asked for (a misrouting proxy, a server bug) must
 * not be taken for it: its balance, expiry or value would be attributed to the wrong token.
 */
export function assertAnswerAbout(
  field: 'name' | 'id' | 'token',
  expected: string,
  actual: string | null,
  where: { method: string; path: string },
): void {
  if (actual === expected) return;
  throw new ResponseValidationError(
    `response is about ${field} ${JSON.stringify(actual)}, not the requested ${JSON.stringify(expected)}`,
    {
      method: where.method,
      path: `/${where.path}`,
      issues: [{ path: field, message: `expected ${JSON.stringify(expected)}` }],
    },
  );
}

/** A cost: money that usage cannot make negative. */
const cost = money.check(z.refine((value) => value == null || value >= 0, 'a cost cannot be negative'));

/**
 * Usage asked for one token (`token` filter) must be that token's: rows about another one would be
 * counted against it.
 */
export function assertUsageOf(
  records: readonly { token: string | null }[],
  token: string | undefined,
  where: { method: string; path: string },
): void {
  if (token === undefined) return;
  const other = records.find((r) => r.token !== null && r.token !== token);
  if (other) assertAnswerAbout('token', token, other.token, where);
}

/** One feature's cost on one day, as both the v2 cost report and the v3 usage answer send it. */
export const costDetails = z.looseObject({
  total_cost: cost,
  /** The number of calls. */
  details: z.nullish(z.number().check(z.int(), z.nonnegative())),
  cost_per_provider: z.nullish(z.record(z.string(), cost)),
});

/** A period's start: a calendar day, possibly with a time (`2026-03-01` or `2026-03-01T00:00:00Z`). */
const periodStart = z
  .string()
  .check(z.refine((key) => toDay(key.slice(0, 10)) !== undefined, 'expected a YYYY-MM-DD date'));

/** Cost by period start, then by feature. */
export const costData = z.record(periodStart, z.record(z.string(), costDetails));

const costRow = z.looseObject({
  token: z.string(),
  data: z.nullish(costData),
});

/** A parsed cost row: whose usage (`T`: the token name, or null where the row names none), by day, by feature. */
export interface CostRow<T> {
  token: T;
  data?: z.output<typeof costData> | null | undefined;
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
export const usageSchema: z.ZodMiniType<UsageRecord[]> = z.pipe(
  z.looseObject({ response: z.array(costRow) }),
  z.transform((body) => flattenCostRows(body.response)),
);

/** `GET /cost_management/credits/` → USD. */
export const creditsSchema: z.ZodMiniType<number> = z.pipe(
  z.looseObject({ credits: money }),
  z.transform((body, ctx) => {
    if (typeof body.credits === 'number') return body.credits;
    ctx.issues.push({ code: 'custom', path: ['credits'], message: 'expected a number', input: body.credits });
    return z.NEVER;
  }),
);
