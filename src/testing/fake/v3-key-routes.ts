// /v3/manage/keys/ (list, create) and /v3/manage/keys/{id}/ (get, patch, revoke, rotate).
import { readJsonBody } from './body.js';
import type { FakeContext } from './context.js';
import { FieldCollector, type FieldErrors, notAnObject, parseDateTime, parseName } from './fields.js';
import { json, noContent, notFound, validationError } from './responses.js';
import { buildToken, patchToken } from './token-rules.js';
import type { KeyEntry } from './v3-keys.js';
import { keyBody, pageBody } from './v3-wire.js';

/** DRF LimitOffsetPagination: default and maximum page size. */
const MAX_LIMIT = 100;
const DUPLICATE = 'Token with this name already exists.';
const EXPIRY_AHEAD = 'Ensure the expiry is at least one day in the future.';
const DAY_MS = 86_400_000;
/** Slack for a caller that computed "now + 1 day" a moment before the server checks it. */
const EXPIRY_SLACK_MS = 60_000;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  // DRF ignores values it cannot read and falls back to the default.
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

export function listKeys(ctx: FakeContext, url: URL): Response {
  const limit = Math.min(Math.max(intParam(url, 'limit', MAX_LIMIT), 1), MAX_LIMIT);
  const offset = intParam(url, 'offset', 0);
  return json(200, pageBody(url, ctx.keys.list(), limit, offset));
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
  const value = ctx.newTokenValue();
  const built = buildToken(body, value, ctx.now());
  if (!built.ok || !extra.ok) return validationError(merge(built.ok ? {} : built.errors, extra.errors));
  if (ctx.keys.byName(built.value.name) || ctx.store.get(built.value.name))
    return validationError({ name: [DUPLICATE] });
  const entry = ctx.keys.create(built.value, typeof member === 'string' ? member : ctx.keys.owner);
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
  const patched = patchToken(entry.record, body, ctx.now());
  if (!patched.ok || !extra.ok) return validationError(merge(patched.ok ? {} : patched.errors, extra.errors));
  if (name !== undefined && name !== entry.name && (ctx.keys.byName(name) || ctx.store.get(name)))
    return validationError({ name: [DUPLICATE] });
  ctx.keys.replace(entry, { ...patched.value, name: name ?? entry.name });
  return json(200, keyBody(entry));
}

export function revokeKey(ctx: FakeContext, id: string): Response {
  const entry = liveKey(ctx, id);
  if (!entry) return notFound();
  ctx.keys.revoke(entry);
  return noContent();
}

export function rotateKey(ctx: FakeContext, id: string): Response {
  const entry = liveKey(ctx, id);
  if (!entry) return notFound();
  const value = ctx.newTokenValue();
  ctx.keys.rotate(entry, value);
  return json(200, keyBody(entry, value));
}
