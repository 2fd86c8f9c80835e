// The v3 Management API's keys: /v3/manage/keys/ (list, create), /v3/manage/keys/{id}/ (get, patch,
// revoke, rotate) and /v3/manage/whoami/, with the key bodies it sends (uuid id, member, masked
// value, balance as a decimal string, default_tags; the value itself only in create and rotate
// answers). Answers as Eden's own docs tests expect (409 duplicates, 200 deletes, total_count),
// or the older variants when `ctx.v3` says so.
import { MAX_TAGS, tagProblem } from '../../core/limits.js';
import { nanosToDecimal } from '../../core/money.js';
import { DAY_MS, MINUTE_MS } from '../../core/time.js';
import type { FakeContext } from './options.js';
import type { KeyEntry } from './store.js';
import { buildToken, DUPLICATE_NAME, patchToken } from './tokens.js';
import {
  FieldCollector,
  type FieldErrors,
  formatDateTime,
  json,
  noContent,
  notAnObject,
  notFound,
  parseDateTime,
  parseName,
  readJsonBody,
  validationError,
} from './wire.js';

/** DRF LimitOffsetPagination: default and maximum page size. */
const MAX_LIMIT = 100;
const EXPIRY_AHEAD = 'Ensure the expiry is at least one day in the future.';
/** Slack for a caller that computed "now + 1 day" a moment before the server checks it. */
const EXPIRY_SLACK_MS = MINUTE_MS;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  // DRF ignores values it cannot read and falls back to the default.
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

export function listKeys(ctx: FakeContext, url: URL): Response {
  const limit = Math.min(Math.max(intParam(url, 'limit', MAX_LIMIT), 1), MAX_LIMIT);
  const offset = intParam(url, 'offset', 0);
  return json(200, pageBody(url, ctx.keys.list(), limit, offset, ctx.v3.pageCount));
}

/**
 * A tag set as Eden checks it (docs "tags"): an object of string values, each tag valid, at most
 * 10; keys stored lowercase. `undefined` when absent; a string when refused (the 400's message).
 */
export function readTags(raw: unknown): Record<string, string> | string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) return 'Expected an object of tag: value.';
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const why = tagProblem(key, value);
    if (why) return `Invalid tag "${key}": ${why}.`;
    tags[key.toLowerCase()] = value as string;
  }
  return checkTagCount(tags);
}

/** Eden's limit applies after merging. */
export function checkTagCount(tags: Record<string, string>): Record<string, string> | string {
  const n = Object.keys(tags).length;
  return n > MAX_TAGS ? `At most ${MAX_TAGS} tags are allowed after merging; got ${n}.` : tags;
}

/** A name already used by a live key: 409 as Eden's tests see it, or 400 as v2 answered. */
function duplicateName(ctx: FakeContext): Response {
  return ctx.v3.duplicateStatus === 400
    ? validationError({ name: [DUPLICATE_NAME] })
    : json(409, { error: { type: 'conflict', message: { name: [DUPLICATE_NAME] } } });
}

/** v3 keys need an expiry at least a day ahead (SKILL-ACCT). */
function checkExpiry(ctx: FakeContext, body: Record<string, unknown>, f: FieldCollector): void {
  if (body['expire_time'] === undefined || body['expire_time'] === null) return;
  const parsed = parseDateTime(body['expire_time']);
  if (!('value' in parsed) || parsed.value === null) return; // reported by the token rules
  if (parsed.value.getTime() < ctx.now().getTime() + DAY_MS - EXPIRY_SLACK_MS)
    f.fail('expire_time', EXPIRY_AHEAD);
}

async function readObject(
  request: Request,
): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; response: Response }> {
  const read = await readJsonBody(request);
  if (!read.ok) return read;
  const shapeError = notAnObject(read.body);
  if (shapeError) return { ok: false, response: validationError({ non_field_errors: [shapeError] }) };
  return { ok: true, body: read.body as Record<string, unknown> };
}

function merge(a: FieldErrors, b: FieldErrors): FieldErrors {
  const out: FieldErrors = { ...a };
  for (const [field, messages] of Object.entries(b)) out[field] = [...(out[field] ?? []), ...messages];
  return out;
}

export async function createKey(ctx: FakeContext, request: Request): Promise<Response> {
  const read = await readObject(request);
  if (!read.ok) return read.response;
  const body = read.body;
  const extra = new FieldCollector();
  checkExpiry(ctx, body, extra);
  const member = body['member'];
  if (member !== undefined && member !== null && (typeof member !== 'string' || !EMAIL.test(member)))
    extra.fail('member', 'Enter a valid email address.');
  const tags = readTags(body['default_tags']);
  if (typeof tags === 'string') extra.fail('default_tags', tags);
  const value = ctx.newTokenValue();
  const built = buildToken(body, value, ctx.now());
  if (!built.ok || !extra.ok) return validationError(merge(built.ok ? {} : built.errors, extra.errors));
  if (ctx.keys.byName(built.value.name) || ctx.store.get(built.value.name)) return duplicateName(ctx);
  const entry = ctx.keys.create(built.value, typeof member === 'string' ? member : ctx.keys.owner);
  if (typeof tags === 'object') entry.tags = tags;
  return json(201, keyBody(entry, value));
}

export function getKey(ctx: FakeContext, id: string): Response {
  const entry = ctx.keys.find(id);
  return entry ? json(200, keyBody(entry)) : notFound();
}

/** A live key, or `undefined` (unknown, another organization's, or revoked: all 404). */
function liveKey(ctx: FakeContext, id: string): KeyEntry | undefined {
  const entry = ctx.keys.find(id);
  return entry && entry.revokedAt === null ? entry : undefined;
}

export async function updateKey(ctx: FakeContext, request: Request, id: string): Promise<Response> {
  const entry = liveKey(ctx, id);
  if (!entry) return notFound();
  const read = await readObject(request);
  if (!read.ok) return read.response;
  const body = read.body;
  const extra = new FieldCollector();
  checkExpiry(ctx, body, extra);
  const name = extra.take(body, 'name', parseName);
  const tags = readTags(body['default_tags']);
  if (typeof tags === 'string') extra.fail('default_tags', tags);
  const patched = patchToken(entry.record, body, ctx.now());
  if (!patched.ok || !extra.ok) return validationError(merge(patched.ok ? {} : patched.errors, extra.errors));
  if (name !== undefined && name !== entry.name && (ctx.keys.byName(name) || ctx.store.get(name)))
    return duplicateName(ctx);
  ctx.keys.replace(entry, { ...patched.value, name: name ?? entry.name });
  // PATCH replaces the whole set (`{}` clears it).
  if (typeof tags === 'object') entry.tags = tags;
  return json(200, keyBody(entry));
}

export function revokeKey(ctx: FakeContext, id: string): Response {
  const entry = liveKey(ctx, id);
  if (!entry) return notFound();
  ctx.keys.revoke(entry);
  return ctx.v3.deleteStatus === 204 ? noContent() : json(200, keyBody(entry));
}

export function rotateKey(ctx: FakeContext, id: string): Response {
  const entry = liveKey(ctx, id);
  if (!entry) return notFound();
  const value = ctx.newTokenValue();
  ctx.keys.rotate(entry, value);
  return json(200, keyBody(entry, value));
}

// /v3/manage/whoami/: the organization and scopes of the management key.

const ORGANIZATION = { id: '00000000-0000-4000-8000-00000000ed00', name: 'Fake Eden AI organization' };

export function whoami(ctx: FakeContext): Response {
  return json(200, {
    organization: ORGANIZATION,
    key: { id: null, name: 'fake-management-key', masked: `mgmt-eden-…${ctx.managementKey.slice(-4)}` },
    scopes: [...ctx.managementScopes],
    expire_time: null,
  });
}

const decimal = (nanos: number | null) => (nanos === null ? null : nanosToDecimal(nanos));

/** Eden's non-secret display form: `sk-eden-fake…c5d6`. */
function masked(value: string): string {
  return `${value.slice(0, 12)}…${value.slice(-4)}`;
}

function keyBody(entry: KeyEntry, secret?: string): Record<string, unknown> {
  const t = entry.record;
  return {
    id: entry.id,
    name: entry.name,
    token_type: t.tokenType,
    member: entry.member,
    masked: masked(entry.value),
    active_balance: t.activeBalance,
    balance: decimal(t.balance),
    balance_reset_period: t.resetPeriod,
    balance_reset_amount: decimal(t.resetAmount),
    expire_time: t.expireTime === null ? null : formatDateTime(t.expireTime),
    revoked: entry.revokedAt !== null,
    revoked_at: entry.revokedAt === null ? null : formatDateTime(entry.revokedAt),
    default_tags: { ...entry.tags },
    ...(secret === undefined ? {} : { secret }),
  };
}

/**
 * `{total_count, next, previous, results}` with DRF's absolute page links; the total named
 * `count` (the spec), or left out (`next` only), when the fake is told so.
 */
function pageBody(
  url: URL,
  entries: readonly KeyEntry[],
  limit: number,
  offset: number,
  countField: 'total_count' | 'count' | 'next',
): Record<string, unknown> {
  const link = (at: number) => {
    const next = new URL(url.pathname, url.origin);
    next.searchParams.set('limit', String(limit));
    if (at > 0) next.searchParams.set('offset', String(at));
    return next.toString();
  };
  return {
    ...(countField === 'next' ? {} : { [countField]: entries.length }),
    next: offset + limit < entries.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: entries.slice(offset, offset + limit).map((e) => keyBody(e)),
  };
}
