// Eden AI's limits, written once: every client, manager and the fake check against these.
// Sources: shared/reference/edenai (v2 user OpenAPI: name 1–200 characters; balance pattern
// ^-?\d{0,5}(?:\.\d{0,9})?$, so at most 99,999.999999999 with 9 decimals; reset periods).
import { InvalidInputError } from './errors.js';
import { DAY_MS } from './time.js';

export type TokenType = 'api_token' | 'sandbox_api_token';
export const TOKEN_TYPES = ['api_token', 'sandbox_api_token'] as const satisfies readonly TokenType[];

export type ResetPeriod = 'none' | 'daily' | 'weekly' | 'monthly';
export const RESET_PERIODS = ['none', 'daily', 'weekly', 'monthly'] as const satisfies readonly ResetPeriod[];

/** Eden's documented rate limit: requests per second per account (all its keys together). */
export const EDEN_REQUESTS_PER_SECOND = 10;

/** Eden's limit on token names, in characters. */
export const MAX_NAME_LENGTH = 200;
/** Eden stores money as a decimal with at most 5 integer digits and 9 decimals. */
export const MAX_BALANCE = 99_999.999999999;
export const BALANCE_DECIMALS = 9;
/**
 * Eden documents no upper bound on an expiry; the SDK takes ten years as the longest sensible one
 * (beyond it an expiry is a typo), for policies, `expiresInDays` and `withinDays` alike.
 */
export const MAX_EXPIRY_DAYS = 3650;

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Describes a bad value without echoing strings (a misplaced token value must not reach a message). */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return `a ${Array.isArray(value) ? 'array' : typeof value}`;
}

function invalid(field: string, message: string): never {
  throw new InvalidInputError(message, { field });
}

/** Eden names: 1–200 characters, no control characters; `.`/`..` would rewrite the URL path. */
export function assertTokenName(name: unknown, field = 'name'): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '') invalid(field, 'Token name must be a non-empty string');
  if (name.length > MAX_NAME_LENGTH) {
    invalid(field, `Token name is ${name.length} characters; Eden allows at most ${MAX_NAME_LENGTH}`);
  }
  if (CONTROL.test(name)) invalid(field, 'Token name must not contain control characters');
  if (name === '.' || name === '..') invalid(field, `Token name ${JSON.stringify(name)} is not allowed`);
}

/** Why `value` is not an amount Eden accepts, or undefined when it is one. */
export function moneyProblem(value: unknown, positive = false): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number of USD';
  if (positive && value <= 0) return 'must be greater than 0';
  if (value < 0) return 'must not be negative';
  if (value > MAX_BALANCE) return `Eden allows at most ${MAX_BALANCE}`;
  // Eden's decimal field keeps 9 decimals; more would be silently rounded by the server.
  if (Number(value.toFixed(BALANCE_DECIMALS)) !== value) return `has more than ${BALANCE_DECIMALS} decimals`;
  return undefined;
}

/** USD amount: finite, ≥ 0 (or > 0), at most {@link MAX_BALANCE}, at most 9 decimals. */
export function assertMoney(
  value: unknown,
  field: string,
  { positive = false }: { positive?: boolean } = {},
): asserts value is number {
  const why = moneyProblem(value, positive);
  if (why) invalid(field, `Invalid ${field} ${describeValue(value)}: ${why}`);
}

/** Whole days: a positive integer up to {@link MAX_EXPIRY_DAYS}. */
export function assertDays(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRY_DAYS) {
    invalid(
      field,
      `Invalid ${field} ${describeValue(value)}: must be a whole number of days from 1 to ${MAX_EXPIRY_DAYS}`,
    );
  }
}

export function assertTokenType(value: unknown, field = 'tokenType'): asserts value is TokenType {
  if (typeof value !== 'string' || !(TOKEN_TYPES as readonly string[]).includes(value)) {
    invalid(field, `Invalid ${field} ${describeValue(value)}: use one of ${TOKEN_TYPES.join(', ')}`);
  }
}

export function assertResetPeriod(value: unknown, field = 'resetPeriod'): asserts value is ResetPeriod {
  if (typeof value !== 'string' || !(RESET_PERIODS as readonly string[]).includes(value)) {
    invalid(field, `Invalid ${field} ${describeValue(value)}: use one of ${RESET_PERIODS.join(', ')}`);
  }
}

/** Eden requires an expiry in the future: a valid Date after `now`. */
export function assertFutureExpiry(value: unknown, now: Date, field = 'expireTime'): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    invalid(field, `${field} must be a valid Date`);
  if (value.getTime() <= now.getTime()) {
    invalid(field, `${field} ${value.toISOString()} is not in the future: Eden requires a future expiry`);
  }
  if (value.getTime() > now.getTime() + MAX_EXPIRY_DAYS * DAY_MS) {
    invalid(field, `${field} ${value.toISOString()} is more than ${MAX_EXPIRY_DAYS} days ahead`);
  }
}

// Cost tags (Eden's v3 docs, "tags", 2026-09): key → value, on a key (`default_tags`), a request's
// `X-EdenAI-Tags` header or a `tags` body object. Eden refuses a bad tag with a 400.

/**
 * Eden's limit on tags per request, after merging body, header and the key's defaults.
 * @example if (Object.keys(tags).length > MAX_TAGS) throw new Error('too many tags');
 */
export const MAX_TAGS = 10;
/**
 * Tag keys: 1–64 characters, stored lowercase.
 * @example const ok = key.length <= MAX_TAG_KEY_LENGTH;
 */
export const MAX_TAG_KEY_LENGTH = 64;
/**
 * Tag values: 1–128 characters.
 * @example const ok = value.length <= MAX_TAG_VALUE_LENGTH;
 */
export const MAX_TAG_VALUE_LENGTH = 128;
/**
 * The tag key prefix Eden keeps for itself.
 * @example const reserved = key.toLowerCase().startsWith(RESERVED_TAG_PREFIX);
 */
export const RESERVED_TAG_PREFIX = 'eden:';
const TAG_CHARS = /^[A-Za-z0-9\-_.:/]+$/;

/** Why `key: value` is not a tag Eden accepts, or undefined when it is one. */
export function tagProblem(key: string, value: unknown): string | undefined {
  if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH)
    return `keys are 1 to ${MAX_TAG_KEY_LENGTH} characters`;
  if (!TAG_CHARS.test(key)) return 'keys use only the characters A-Z a-z 0-9 - _ . : /';
  if (key.toLowerCase().startsWith(RESERVED_TAG_PREFIX))
    return `the "${RESERVED_TAG_PREFIX}" prefix is reserved by Eden AI`;
  if (typeof value !== 'string') return 'values are strings';
  if (value.length < 1 || value.length > MAX_TAG_VALUE_LENGTH)
    return `values are 1 to ${MAX_TAG_VALUE_LENGTH} characters`;
  if (!TAG_CHARS.test(value)) return 'values use only the characters A-Z a-z 0-9 - _ . : /';
  return undefined;
}

/**
 * Checks cost tags against Eden's rules and returns them with lowercase keys (as Eden stores them).
 * Two keys that differ only in case are one tag. `InvalidInputError` names the tag and the rule.
 *
 * @example
 * normalizeTags({ Team: 'payments' }); // { team: 'payments' }
 * normalizeTags({ 'eden:x': 'y' }); // InvalidInputError: Invalid tag "eden:x" in tags: the "eden:" prefix is reserved by Eden AI
 */
export function normalizeTags(tags: unknown, field = 'tags'): Record<string, string> {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags))
    invalid(field, `${field} must be an object of tag → value`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    // Values are shown only when valid: a misplaced secret must not reach a message.
    const why = tagProblem(key, value);
    if (why) invalid(`${field}.${key}`, `Invalid tag "${key.slice(0, 80)}" in ${field}: ${why}`);
    const lower = key.toLowerCase();
    if (lower in out && out[lower] !== value)
      invalid(`${field}.${key}`, `Tag "${lower}" is given twice in ${field} with different values`);
    out[lower] = value as string;
  }
  const count = Object.keys(out).length;
  if (count > MAX_TAGS)
    invalid(field, `${field} has ${count} tags: Eden allows at most ${MAX_TAGS} after merging`);
  return out;
}

/** Merges tag sets, later ones winning (Eden: key defaults < header < body), and checks the total. */
export function mergeTags(...sets: (Record<string, string> | undefined)[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const set of sets) if (set) Object.assign(merged, normalizeTags(set));
  return normalizeTags(merged);
}
