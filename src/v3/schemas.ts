/**
 * zod schemas for the Management API's answers, built once at module load. Tolerant where the
 * research says Eden is loose (balance as a decimal string, nullable or missing fields, a page or
 * a bare array) and converting straight to SDK objects, so each body is parsed once.
 */
import { z } from 'zod';
import { Secret } from '../core/secret.js';
import type { UsageRecord } from '../ports/usage.js';
import {
  costDetails,
  flattenCostRows,
  money,
  resetPeriods,
  time,
  tokenTypes,
  unknownFields,
} from '../v2/schemas.js';
import type { ManagementKey, ManagementWhoami } from './types.js';

/** Where the one-time value may come: `secret` (documented), or a `key`/`token` field. */
const SECRET_FIELDS = ['secret', 'key', 'token'] as const;

const KNOWN_KEY_FIELDS = new Set([
  'id',
  'name',
  'token_type',
  'member',
  'masked',
  'last4',
  'active_balance',
  'balance',
  'balance_reset_period',
  'balance_reset_amount',
  'expire_time',
  'revoked',
  'revoked_at',
]);

const wireKey = z.looseObject({
  id: z.string().min(1).nullish(),
  name: z.string().min(1),
  token_type: z.enum(tokenTypes).nullish(),
  member: z.string().nullish(),
  masked: z.string().nullish(),
  last4: z.string().nullish(),
  active_balance: z.boolean().nullish(),
  balance: money,
  balance_reset_period: z.enum(resetPeriods).nullish(),
  balance_reset_amount: money,
  expire_time: time,
  revoked: z.boolean().nullish(),
  revoked_at: time,
  secret: z.string().min(1).nullish(),
  key: z.unknown().optional(),
  token: z.unknown().optional(),
});

function secretOf(w: z.output<typeof wireKey>): Secret | undefined {
  for (const field of SECRET_FIELDS) {
    const value = w[field];
    if (typeof value === 'string' && value !== '') return new Secret(value);
  }
  return undefined;
}

function toKey(w: z.output<typeof wireKey>): ManagementKey {
  const revokedAt = w.revoked_at ?? null;
  const key: ManagementKey = {
    id: w.id ?? null,
    name: w.name,
    tokenType: w.token_type ?? 'api_token',
    balance: w.balance ?? null,
    activeBalance: w.active_balance ?? false,
    expireTime: w.expire_time ?? null,
    balanceResetPeriod: w.balance_reset_period ?? 'none',
    balanceResetAmount: w.balance_reset_amount ?? null,
    member: w.member ?? null,
    revoked: w.revoked ?? revokedAt !== null,
    revokedAt,
  };
  const secret = secretOf(w);
  if (secret) key.secret = secret;
  if (w.masked) key.masked = w.masked;
  if (w.last4) key.last4 = w.last4;
  const extra = unknownFields(w, KNOWN_KEY_FIELDS);
  if (extra) key.extra = extra;
  return key;
}

/** One key (create 201, rotate, retrieve, patch). */
export const keySchema: z.ZodType<ManagementKey> = wireKey.transform(toKey);

/** One page of `GET /manage/keys/`: `{count, next, previous, results}`, or a bare array (one page). */
export interface KeyPage {
  keys: ManagementKey[];
  count: number | null;
  hasNext: boolean;
}

export const keyPageSchema: z.ZodType<KeyPage> = z.union([
  z
    .looseObject({
      count: z.number().int().nonnegative().nullish(),
      next: z.string().nullish(),
      results: z.array(keySchema),
    })
    .transform((page) => ({ keys: page.results, count: page.count ?? null, hasNext: !!page.next })),
  z.array(keySchema).transform((keys) => ({ keys, count: keys.length, hasNext: false })),
]);

const usageRow = z.looseObject({
  // Per-key usage may not name its key: null, and the client fills it in.
  token: z
    .string()
    .nullish()
    .transform((token) => token ?? null),
  data: z.record(z.string(), z.record(z.string(), costDetails)).nullish(),
});

/** A usage record whose row may not name its key (per-key usage): the client fills it in. */
export type WireUsageRecord = Omit<UsageRecord, 'token'> & { token: string | null };

/** `GET /manage/usage/` and `/manage/keys/{id}/usage/`: `{usage: [...]}` (v2's `response` accepted). */
export const usageSchema: z.ZodType<WireUsageRecord[]> = z
  .looseObject({ usage: z.array(usageRow).nullish(), response: z.array(usageRow).nullish() })
  .transform((body) => flattenCostRows(body.usage ?? body.response ?? []));

const KNOWN_WHOAMI_FIELDS = new Set([
  'organization',
  'org',
  'scopes',
  'expire_time',
  'expires_at',
  'key',
  'name',
  'id',
  'masked',
]);

const named = z.union([
  z.string().transform((name) => ({ id: null, name })),
  z
    .looseObject({ id: z.union([z.string(), z.number()]).nullish(), name: z.string().nullish() })
    .transform((o) => ({ id: o.id == null ? null : String(o.id), name: o.name ?? null })),
]);

const wireWhoami = z.looseObject({
  organization: named.nullish(),
  org: named.nullish(),
  scopes: z.union([z.array(z.string()), z.string()]).nullish(),
  expire_time: time,
  expires_at: time,
  key: z
    .looseObject({ id: z.string().nullish(), name: z.string().nullish(), masked: z.string().nullish() })
    .nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  masked: z.string().nullish(),
});

function toWhoami(w: z.output<typeof wireWhoami>): ManagementWhoami {
  const scopes = typeof w.scopes === 'string' ? w.scopes.split(/[\s,]+/).filter(Boolean) : (w.scopes ?? []);
  const flatKey = w.id != null || w.name != null || w.masked != null;
  const key = w.key
    ? { id: w.key.id ?? null, name: w.key.name ?? null, masked: w.key.masked ?? null }
    : flatKey
      ? { id: w.id ?? null, name: w.name ?? null, masked: w.masked ?? null }
      : null;
  const me: ManagementWhoami = {
    organization: w.organization ?? w.org ?? null,
    scopes,
    expireTime: w.expire_time ?? w.expires_at ?? null,
    key,
  };
  const extra = unknownFields(w, KNOWN_WHOAMI_FIELDS);
  if (extra) me.extra = extra;
  return me;
}

/** `GET /manage/whoami/`. */
export const whoamiSchema: z.ZodType<ManagementWhoami> = wireWhoami.transform(toWhoami);
