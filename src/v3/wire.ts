// The Management API's wire format, both ways. Answers: zod schemas built once at module load,
// tolerant where the research says Eden is loose (balance as a decimal string, nullable or missing
// fields, a page or a bare array) and converting straight to SDK objects, so each body is parsed
// once. Requests: inputs checked before anything is sent, and the bodies and usage query strings
// built from them (the policy fields are the v2 ones, so they reuse the v2 builders).
import * as z from 'zod/mini';
import { InvalidInputError } from '../core/errors.js';
import { assertTokenName, MAX_TAGS, normalizeTags } from '../core/limits.js';
import { Secret } from '../core/secret.js';
import { formatDay, parseDay, utcDay } from '../core/time.js';
import type { UsageRecord } from '../ports/usage.js';
import {
  costData,
  flattenCostRows,
  type KnownSecrets,
  money,
  resetPeriods,
  time,
  tokenTypes,
  unknownFields,
} from '../v2/schemas.js';
import { createBody, patchBody } from '../v2/token-input.js';
import type {
  CreateManagementKeyInput,
  ManagementKey,
  ManagementKeyPatch,
  ManagementUsageQuery,
  ManagementWhoami,
} from './types.js';

// ── answers ──────────────────────────────────────────────────────────────

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
  'default_tags',
]);

const wireKey = z.looseObject({
  id: z.nullish(z.string().check(z.minLength(1))),
  name: z.string().check(z.minLength(1)),
  token_type: z.nullish(z.enum(tokenTypes)),
  member: z.nullish(z.string()),
  masked: z.nullish(z.string()),
  last4: z.nullish(z.string()),
  active_balance: z.nullish(z.boolean()),
  balance: money,
  balance_reset_period: z.nullish(z.enum(resetPeriods)),
  balance_reset_amount: money,
  expire_time: time,
  revoked: z.nullish(z.boolean()),
  revoked_at: time,
  default_tags: z.optional(z.unknown()),
  secret: z.nullish(z.string().check(z.minLength(1))),
  key: z.optional(z.unknown()),
  token: z.optional(z.unknown()),
});

/** `default_tags` as sent (an object of strings; anything else read as "not said"), keys lowercase. */
function tagsOf(raw: unknown): Record<string, string> | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') tags[k.toLowerCase()] = v;
  return tags;
}

/** The one-time value an answer carried, under any of its fields. */
function valuesOf(w: z.output<typeof wireKey>): string[] {
  const values: string[] = [];
  for (const field of SECRET_FIELDS) {
    const value = w[field];
    if (typeof value === 'string' && value !== '') values.push(value);
  }
  return values;
}

function toKey(w: z.output<typeof wireKey>, known: KnownSecrets): ManagementKey {
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
    // A revoke is irreversible: a revocation time means revoked, whatever the flag says.
    revoked: w.revoked === true || revokedAt !== null,
    revokedAt,
  };
  const values = valuesOf(w);
  for (const value of values) known.remember(value);
  if (values[0]) key.secret = new Secret(values[0]);
  if (w.masked) key.masked = w.masked;
  if (w.last4) key.last4 = w.last4;
  const tags = tagsOf(w.default_tags);
  if (tags) key.defaultTags = tags;
  const extra = unknownFields(w, KNOWN_KEY_FIELDS);
  if (extra) key.extra = extra;
  return key;
}

/** One page of `GET /manage/keys/`: `{count, next, previous, results}`, or a bare array (one page). */
export interface KeyPage {
  keys: ManagementKey[];
  /** The total announced (`count`, or `total_count` as Eden's own tests read it), when any. */
  count: number | null;
  hasNext: boolean;
}

const total = z.nullish(z.number().check(z.int(), z.nonnegative()));

/**
 * The schemas of a client's answers, built once per client: they remember the values they read
 * into, and scrub the answers with, the client's `KnownSecrets` (its management key, the values
 * create and rotate handed over), since v3 reads carry no value to compare with.
 */
export function answerSchemas(known: KnownSecrets) {
  const raw = z.pipe(
    wireKey,
    z.transform((w) => toKey(w, known)),
  );
  const key = z.pipe(
    raw,
    z.transform((k) => known.scrub([k])[0]!),
  ) as z.ZodMiniType<ManagementKey>;
  const page: z.ZodMiniType<KeyPage> = z.union([
    z.pipe(
      z.looseObject({ count: total, total_count: total, next: z.nullish(z.string()), results: z.array(raw) }),
      z.transform((p) => ({
        keys: known.scrub(p.results),
        count: p.count ?? p.total_count ?? null,
        hasNext: !!p.next,
      })),
    ),
    z.pipe(
      z.array(raw),
      z.transform((keys) => ({ keys: known.scrub(keys), count: keys.length, hasNext: false })),
    ),
  ]);
  const whoami = z.pipe(
    wireWhoami,
    z.transform((w) => known.scrub([toWhoami(w)])[0]!),
  ) as z.ZodMiniType<ManagementWhoami>;
  return { key, page, whoami };
}

const usageRow = z.looseObject({
  // Per-key usage may not name its key: null, and the client fills it in.
  token: z.pipe(
    z.nullish(z.string()),
    z.transform((token) => token ?? null),
  ),
  data: z.nullish(costData),
});

/** A usage record whose row may not name its key (per-key usage): the client fills it in. */
export type WireUsageRecord = Omit<UsageRecord, 'token'> & { token: string | null };

/** `GET /manage/usage/` and `/manage/keys/{id}/usage/`: `{usage: [...]}` (v2's `response` accepted). */
export const usageSchema: z.ZodMiniType<WireUsageRecord[]> = z.pipe(
  z.looseObject({ usage: z.nullish(z.array(usageRow)), response: z.nullish(z.array(usageRow)) }),
  z.transform((body) => flattenCostRows(body.usage ?? body.response ?? [])),
);

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
  z.pipe(
    z.string(),
    z.transform((name) => ({ id: null, name })),
  ),
  z.pipe(
    z.looseObject({ id: z.nullish(z.union([z.string(), z.number()])), name: z.nullish(z.string()) }),
    z.transform((o) => ({ id: o.id == null ? null : String(o.id), name: o.name ?? null })),
  ),
]);

const wireWhoami = z.looseObject({
  organization: z.nullish(named),
  org: z.nullish(named),
  scopes: z.nullish(z.union([z.array(z.string()), z.string()])),
  expire_time: time,
  expires_at: time,
  key: z.nullish(
    z.looseObject({ id: z.nullish(z.string()), name: z.nullish(z.string()), masked: z.nullish(z.string()) }),
  ),
  id: z.nullish(z.string()),
  name: z.nullish(z.string()),
  masked: z.nullish(z.string()),
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

// ── requests ─────────────────────────────────────────────────────────────

function invalid(field: string, message: string): never {
  throw new InvalidInputError(message, { field });
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const BAD_ID = /[\u0000-\u001f\u007f-\u009f/]/;

/** A key id (a uuid on Eden): a path segment, so no slashes, dots-only or control characters. */
export function assertKeyId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.trim() === '') invalid('id', 'Key id must be a non-empty string');
  if (id.length > 100 || BAD_ID.test(id) || id === '.' || id === '..')
    invalid('id', `Key id ${JSON.stringify(id.slice(0, 100))} is not a valid id`);
}

/** `manage/keys/{id}/` (Eden's trailing slash). */
export function keyPath(id: string, tail = ''): string {
  return `manage/keys/${encodeURIComponent(id)}/${tail}`;
}

/**
 * The tag key of the one-time creation marker: a create sends a random value under it, so that
 * after a lost answer the key that carries it is provably the one this create made.
 *
 * @example
 * const own = Object.fromEntries(Object.entries(key.defaultTags ?? {}).filter(([k]) => k !== CREATE_MARKER_TAG));
 */
export const CREATE_MARKER_TAG = 'etm-create';

/** `defaultTags` checked against Eden's rules; the marker's key is the SDK's own. */
export function defaultTags(tags: unknown, room = MAX_TAGS): Record<string, string> {
  const out = normalizeTags(tags, 'defaultTags');
  if (CREATE_MARKER_TAG in out)
    invalid(`defaultTags.${CREATE_MARKER_TAG}`, `Tag "${CREATE_MARKER_TAG}" is reserved by this SDK`);
  if (Object.keys(out).length > room)
    invalid('defaultTags', `defaultTags has ${Object.keys(out).length} tags: at most ${room} here`);
  return out;
}

/**
 * `POST /manage/keys/` body, with the creation `marker` added to `default_tags` (so the key's
 * tags count one more than `defaultTags`: at most 9 of those).
 */
export function createKeyBody(
  input: CreateManagementKeyInput,
  now: Date,
  marker: string,
): Record<string, unknown> {
  const body = createBody(input, now);
  if (input.member !== undefined) {
    if (typeof input.member !== 'string' || !EMAIL.test(input.member))
      invalid('member', 'member must be the email of an organization member');
    body['member'] = input.member;
  }
  const own = input.defaultTags === undefined ? {} : defaultTags(input.defaultTags, MAX_TAGS - 1);
  body['default_tags'] = { ...own, [CREATE_MARKER_TAG]: marker };
  return body;
}

/** `PATCH /manage/keys/{id}/` body: policy fields (as on v2) and an optional rename. */
export function patchKeyBody(patch: ManagementKeyPatch, now: Date): Record<string, unknown> {
  if (patch === null || typeof patch !== 'object') invalid('patch', 'patch must be an object');
  const { name, defaultTags: tags, ...policy } = patch;
  const hasPolicy = Object.values(policy).some((v) => v !== undefined);
  if (name === undefined && tags === undefined && !hasPolicy) {
    invalid(
      'patch',
      'Empty update: give at least one of name, defaultTags, balance, activeBalance, expireTime, balanceResetPeriod, balanceResetAmount',
    );
  }
  const body = hasPolicy ? patchBody(policy, now) : {};
  if (name !== undefined) {
    assertTokenName(name);
    body['name'] = name;
  }
  if (tags !== undefined) body['default_tags'] = defaultTags(tags);
  return body;
}

// ── usage queries ────────────────────────────────────────────────────────
// The SDK takes inclusive `begin..end` days like v2; Eden's v3 `end` is EXCLUSIVE and a request may
// span at most 366 days, so a range becomes one or more windows `[begin, end + 1 day)` of at most
// 366 days each.

/** Eden's longest v3 usage range, in days; `usage()` splits longer ones into windows. */
const MAX_USAGE_RANGE_DAYS = 366;
const STEPS = new Set([1, 2, 3, 4]);
const BILLING = new Set(['eden', 'own_keys', 'all']);

function dayNumber(field: 'begin' | 'end', value: unknown): number {
  let day: number | undefined;
  if (value instanceof Date) day = Number.isNaN(value.getTime()) ? undefined : utcDay(value);
  else if (typeof value === 'string') day = parseDay(value);
  if (day === undefined) invalid(field, `${field} must be a valid Date or a YYYY-MM-DD string`);
  return day;
}

function filter(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    invalid(field, `${field} must be a string of 1 to 200 characters`);
  }
  return value;
}

/** One request's query string values: `end` already exclusive. */
export type UsageParams = Record<string, string | number | undefined>;

/**
 * Validates `query` (nothing is sent when it is bad) and returns one parameter set per window,
 * in date order.
 */
export function usageWindows(query: ManagementUsageQuery, maxDays = MAX_USAGE_RANGE_DAYS): UsageParams[] {
  if (query === null || typeof query !== 'object') invalid('query', 'usage() needs { begin, end }');
  const begin = dayNumber('begin', query.begin);
  const end = dayNumber('end', query.end);
  if (begin > end) invalid('begin', `begin (${formatDay(begin)}) is after end (${formatDay(end)})`);
  const step = query.step ?? 1;
  if (!STEPS.has(step))
    invalid('step', `step must be 1 (daily), 2 (weekly), 3 (monthly) or 4 (yearly); got ${step}`);
  if (query.billing !== undefined && !BILLING.has(query.billing))
    invalid('billing', `billing must be one of eden, own_keys, all; got ${JSON.stringify(query.billing)}`);
  const filters = {
    token: filter('token', query.token),
    provider: filter('provider', query.provider),
    feature: filter('feature', query.feature),
    subfeature: filter('subfeature', query.subfeature),
    billing: query.billing,
  };
  const windows: UsageParams[] = [];
  for (let start = begin; start <= end; start += maxDays) {
    const last = Math.min(start + maxDays - 1, end);
    windows.push({ begin: formatDay(start), end: formatDay(last + 1), step, ...filters });
  }
  return windows;
}
