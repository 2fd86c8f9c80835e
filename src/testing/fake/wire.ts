// Eden's wire conventions, as Django REST framework shapes them: the answers (three error body
// shapes coexist), the field parsers with DRF's messages, JSON request bodies, and date-times.
import { BALANCE_DECIMALS, MAX_NAME_LENGTH } from '../../core/limits.js';
import { nanosFromDecimal, toNanos } from '../../core/money.js';
import { MINUTE_MS } from '../../core/time.js';

// Eden's answer shapes. Three different error bodies coexist (see API-RESEARCH §1.4):
// 400 `{"error":{"type","message":{field:[…]}}}`, 404 `{"details":"Not Found"}`, DRF's `{"detail":…}`.

const JSON_HEADERS = { 'content-type': 'application/json' };

// Reason phrases of the statuses Eden and its gateways send, and of any a fault injects (not
// node:http's STATUS_CODES: the in-process fake runs on Workers and edge runtimes too).
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  418: "I'm a Teapot",
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS,
  });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

export function notFound(): Response {
  return json(404, { details: 'Not Found' });
}

export function validationError(errors: FieldErrors): Response {
  return json(400, { error: { type: 'validation_error', message: errors } });
}

export function unauthorized(): Response {
  return json(401, { detail: 'Invalid authentication credentials' }, { 'www-authenticate': 'Bearer' });
}

export function methodNotAllowed(method: string, allowed: readonly string[]): Response {
  return json(405, { detail: `Method "${method}" not allowed.` }, { allow: allowed.join(', ') });
}

/** DRF's throttled answer. */
export function throttled(retryAfterSeconds: number): Response {
  const unit = retryAfterSeconds === 1 ? 'second' : 'seconds';
  return json(
    429,
    { detail: `Request was throttled. Expected available in ${retryAfterSeconds} ${unit}.` },
    { 'retry-after': String(retryAfterSeconds) },
  );
}

/** An nginx-style HTML error page, what a gateway in front of Eden sends. */
export function htmlPage(status: number): Response {
  const title = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return new Response(body, { status, headers: { 'content-type': 'text/html' } });
}

/**
 * The body Eden documents for an error status: `{"error":{"type","message"}}` for 403 and 5xx,
 * DRF's `{"detail": reason phrase}` otherwise (401 and 402 are documented that way).
 */
function defaultErrorBody(status: number): unknown {
  if (status === 403) {
    return {
      error: { type: 'permission_error', message: 'You do not have permission to perform this action.' },
    };
  }
  if (status >= 500) return { error: { type: 'api_error', message: STATUS_TEXT[status] ?? 'Server error' } };
  return { detail: STATUS_TEXT[status] ?? 'Error' };
}

/** An answer with the given status; without a body, the one Eden documents for it. */
export function statusAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (status === 204 || status === 304) return new Response(null, { status, headers });
  if (typeof body === 'string')
    return new Response(body, { status, headers: { 'content-type': 'text/plain', ...headers } });
  return json(status, body === undefined ? defaultErrorBody(status) : body, headers);
}

export function internalError(): Response {
  return json(500, { error: { type: 'api_error', message: 'Internal server error' } });
}

// Reads a JSON request body the way DRF's JSONParser does.

export type BodyResult = { ok: true; body: unknown } | { ok: false; response: Response };

export async function readJsonBody(request: Request): Promise<BodyResult> {
  const text = await request.text();
  if (text.trim() === '') return { ok: true, body: {} };
  const type = request.headers.get('content-type');
  if (type && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type))
    return { ok: false, response: json(415, { detail: `Unsupported media type "${type}" in request.` }) };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch (error) {
    return { ok: false, response: json(400, { detail: `JSON parse error - ${(error as Error).message}` }) };
  }
}

// Field parsers with Django REST framework's error messages. Each returns the parsed value or an
// error message string wrapped in `{ error }`.

export type Parsed<T> = { value: T } | { error: string };
export type FieldErrors = Record<string, string[]>;

export const REQUIRED = 'This field is required.';
const NOT_NULL = 'This field may not be null.';

export function parseName(raw: unknown): Parsed<string> {
  if (raw === null) return { error: NOT_NULL };
  if (typeof raw !== 'string') return { error: 'Not a valid string.' };
  const name = raw.trim(); // DRF CharField trims by default
  if (name === '') return { error: 'This field may not be blank.' };
  if (name.length > MAX_NAME_LENGTH)
    return { error: `Ensure this field has no more than ${MAX_NAME_LENGTH} characters.` };
  return { value: name };
}

export function parseChoice<T extends string>(raw: unknown, choices: readonly T[]): Parsed<T> {
  if (raw === null) return { error: NOT_NULL };
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return { value: raw as T };
  return { error: `"${String(raw)}" is not a valid choice.` };
}

const TRUE = new Set<unknown>([true, 1, '1', 'true', 'True', 'TRUE', 't', 'T', 'yes', 'on']);
const FALSE = new Set<unknown>([false, 0, '0', 'false', 'False', 'FALSE', 'f', 'F', 'no', 'off']);

export function parseBoolean(raw: unknown): Parsed<boolean> {
  if (raw === null) return { error: NOT_NULL };
  if (TRUE.has(raw)) return { value: true };
  if (FALSE.has(raw)) return { value: false };
  return { error: 'Must be a valid boolean.' };
}

export function parseDateTime(raw: unknown): Parsed<Date | null> {
  if (raw === null) return { value: null };
  const date = typeof raw === 'string' ? parseIsoDateTime(raw) : undefined;
  if (!date)
    return {
      error:
        'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
    };
  return { value: date };
}

/**
 * Eden's create-side money: a DecimalField (max 5 integer digits, 9 decimals), sent as a string
 * (`"50.00"`) or a number. Returns nano-dollars.
 */
export function parseDecimal(raw: unknown): Parsed<number> {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { error: 'A valid number is required.' };
    if (Math.abs(raw) >= 100_000)
      return { error: 'Ensure that there are no more than 5 digits before the decimal point.' };
    return { value: toNanos(raw) };
  }
  if (typeof raw !== 'string') return { error: 'A valid number is required.' };
  const text = raw.trim();
  const nanos = nanosFromDecimal(text);
  if (nanos === undefined) return { error: 'A valid number is required.' };
  const [whole = '', frac = ''] = text.replace('-', '').split('.');
  if (whole.replace(/^0+/, '').length > 5)
    return { error: 'Ensure that there are no more than 5 digits before the decimal point.' };
  if (frac.length > BALANCE_DECIMALS)
    return { error: `Ensure that there are no more than ${BALANCE_DECIMALS} decimal places.` };
  return { value: nanos };
}

/** Eden's PATCH-side money: a FloatField, −100000 < x < 100000. Returns nano-dollars. */
export function parseFloatMoney(raw: unknown): Parsed<number> {
  if (raw === null) return { error: NOT_NULL };
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return { error: 'A valid number is required.' };
  if (n <= -100_000) return { error: 'Ensure this value is greater than -100000.' };
  if (n >= 100_000) return { error: 'Ensure this value is less than 100000.' };
  return { value: toNanos(n) };
}

/** Collects parse results into a value bag and DRF-shaped field errors. */
export class FieldCollector {
  readonly errors: FieldErrors = {};
  /** Parses `body[field]` when present; records the error under `field`. */
  take<T>(body: Record<string, unknown>, field: string, parse: (raw: unknown) => Parsed<T>): T | undefined {
    if (!(field in body) || body[field] === undefined) return undefined;
    return this.check(field, parse(body[field]));
  }
  check<T>(field: string, parsed: Parsed<T>): T | undefined {
    if ('error' in parsed) {
      this.fail(field, parsed.error);
      return undefined;
    }
    return parsed.value;
  }
  fail(field: string, message: string): void {
    const list = this.errors[field] ?? [];
    list.push(message);
    this.errors[field] = list;
  }
  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

/** DRF's message for a body that is not a JSON object. */
export function notAnObject(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return undefined;
  const type = Array.isArray(body) ? 'list' : body === null ? 'NoneType' : pythonType(body);
  return `Invalid data. Expected a dictionary, but got ${type}.`;
}

function pythonType(value: unknown): string {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}

// Date-times the way Eden (Django REST framework) parses and prints them; calendar days are core/time's.

// Django's parse_datetime: date, optional time (T or space), optional fraction, optional zone.
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parses an ISO 8601 date-time; a naive one (no zone) is taken as UTC. `undefined` when invalid. */
export function parseIsoDateTime(text: string): Date | undefined {
  const m = ISO_DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(utc);
  // Reject 2026-02-30, 25:00 and the like (Date.UTC would roll them over).
  if (
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(s)
  )
    return undefined;
  return new Date(utc - zoneOffsetMs(zone));
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * MINUTE_MS;
}

/** DRF's output form: `2026-03-04T16:03:29Z`, or `2026-03-04T16:03:29.123000Z` with a fraction. */
export function formatDateTime(date: Date): string {
  const iso = date.toISOString();
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 23)}000Z`;
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}
