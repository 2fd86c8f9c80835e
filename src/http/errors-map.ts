import {
  APIConnectionError,
  type APIError,
  APITimeoutError,
  type ErrorCode,
  errorClassForStatus,
} from '../core/errors.js';

/** Where a request went: carried by every error, never with headers or query values. */
export interface RequestContext {
  method: string;
  path: string;
  /** The base URL the path is relative to (no credentials in it): named by connection errors. */
  baseUrl?: string;
  /** The code of a JSON 404 on this path (`token_not_found` for a token's own URL). */
  notFoundCode?: ErrorCode;
}

// Reason phrases for answers without a status text (HTTP/2 has none). Web-standard code only:
// node:http's STATUS_CODES would keep the client off edge runtimes.
const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
/** Headers that carry credentials: an echoing proxy must not put the key in an error. */
const SENSITIVE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
  'cookie',
  'set-cookie',
  'x-api-key',
]);
/** Deeper than this, a body is cut rather than walked (a 100k-deep JSON must not overflow the stack). */
const MAX_DEPTH = 64;
const SENSITIVE_KEY = /^(?:token|key|api_?key|password|authorization|access_token|refresh_token)$|secret/i;
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-amzn-requestid', 'x-correlation-id'];
const MAX_MESSAGE = 300;

/** Field names whose values may be credentials (`token`, `secret`, `api_key`…; not `token_type`). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Shorter strings are never redacted: a toy key of a few characters would shred every message. */
const MIN_SECRET = 8;

/**
 * Replaces every occurrence of `secret` (the API key) in `text`. Real keys are long; a toy key of
 * a few characters (tests) would otherwise shred every message it happens to appear in.
 */
export function redactText(text: string, secret: string | undefined): string {
  return secret && secret.length >= MIN_SECRET && text.includes(secret)
    ? text.split(secret).join('[redacted]')
    : text;
}

/**
 * A copy of a body that is safe to keep on an error or log: `token`/`secret`-like fields are
 * replaced, and so is every other occurrence of their values (a server may echo a token under a
 * field name we do not know) and of the API key. Walks at most {@link MAX_DEPTH} levels.
 */
export function scrubBody(value: unknown, apiKey?: string): unknown {
  const secrets = new Set<string>();
  if (apiKey) secrets.add(apiKey);
  collectSecrets(value, secrets, 0);
  const list = [...secrets];
  return scrub(value, (text) => redactAll(text, list), 0);
}

/**
 * Secrets to cut out of what a client keeps beside a token (unknown wire fields, display forms),
 * where a server may repeat a token value under a name we do not know. Found by their last
 * characters (the random part: Eden's values share their first ones), so a text costs one map
 * lookup per position, not one search per secret (a client may know a thousand token values).
 */
export class SecretIndex {
  readonly #byEnd = new Map<string, string[]>();

  constructor(secrets: Iterable<string>) {
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET) continue;
      const end = secret.slice(-MIN_SECRET);
      const same = this.#byEnd.get(end);
      if (same) same.push(secret);
      else this.#byEnd.set(end, [secret]);
    }
  }

  /** `text` with every known secret replaced. */
  redact(text: string): string {
    if (this.#byEnd.size === 0) return text;
    let out = text;
    for (let i = MIN_SECRET; i <= text.length; i++) {
      const candidates = this.#byEnd.get(text.slice(i - MIN_SECRET, i));
      if (candidates) for (const secret of candidates) out = redactText(out, secret);
    }
    return out;
  }

  /** A copy of `value` with the secrets cut out of its strings and `token`/`secret`-like fields replaced. */
  redactIn(value: unknown): unknown {
    return scrub(value, (text) => this.redact(text), 0);
  }
}

function collectSecrets(value: unknown, into: Set<string>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && isSensitiveKey(k) && v.length >= MIN_SECRET) into.add(v);
    else collectSecrets(v, into, depth + 1);
  }
}

/** Replaces each of `secrets` (each long enough to be a real credential) in `text`. */
export function redactAll(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = redactText(out, secret);
  return out;
}

function scrub(value: unknown, redact: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deeply]';
  if (Array.isArray(value)) return value.map((v) => scrub(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveKey(k) && v != null ? '[redacted]' : scrub(v, redact, depth + 1);
  }
  return out;
}

/** Response headers as a plain object, credentials removed (see {@link SENSITIVE_HEADERS}). */
export function headersToObject(headers: Headers, apiKey?: string): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = SENSITIVE_HEADERS.has(key) ? '[redacted]' : redactText(value, apiKey);
  });
  return out;
}

function requestIdOf(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

/** `{ name: ['Token with this name already exists.'] }` → `name: Token with this name already exists.` */
function renderFields(value: unknown, prefix = ''): string {
  if (typeof value === 'string') return prefix ? `${prefix}: ${value}` : value;
  if (Array.isArray(value)) {
    const parts = value.map((v) => renderFields(v));
    return prefix ? `${prefix}: ${parts.join(' ')}` : parts.join(' ');
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => renderFields(v, prefix ? `${prefix}.${k}` : k))
      .join('; ');
  }
  return prefix ? `${prefix}: ${String(value)}` : String(value);
}

/** The human part of Eden's three error shapes: `{error:{type,message}}`, `{details}`, `{detail}`. */
function messageFromJson(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const error = b['error'];
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    if (e['message'] !== undefined) return renderFields(e['message']);
    if (typeof e['type'] === 'string') return e['type'];
  }
  for (const key of ['details', 'detail', 'message']) {
    if (b[key] !== undefined) return renderFields(b[key]);
  }
  return undefined;
}

function reasonPhrase(status: number, statusText: string): string {
  return statusText || REASON[status] || 'HTTP error';
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE)}…` : oneLine;
}

/** Parses a body as JSON when it looks like JSON; `undefined` means "not JSON". */
export function parseJsonBody(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface ErrorResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The raw body text. */
  text: string;
  /** The parsed JSON body, or `undefined` when the body is not JSON. */
  json: unknown;
}

/** Builds the typed error for a non-2xx answer (class chosen by `errorClassForStatus`). */
export function errorFromResponse(res: ErrorResponse, ctx: RequestContext, apiKey: string): APIError {
  const phrase = reasonPhrase(res.status, res.statusText);
  let message: string;
  let code: ErrorCode | undefined;
  if (res.json !== undefined) {
    message = messageFromJson(res.json) ?? phrase;
    if (res.status === 404) code = ctx.notFoundCode;
    if (res.status === 400 || res.status === 409) {
      if (/already exists|duplicate|not unique|name.*taken/i.test(message)) code = 'name_taken';
    }
  } else if (/^\s*<(?:!doctype|html|\?xml|head|body)/i.test(res.text)) {
    // Proxies and load balancers answer with whole HTML pages: name the page, don't paste it.
    message = `${phrase} (HTML error page)`;
    if (res.status === 404) {
      // Eden answers a missing token with JSON; an HTML 404 means the URL itself is wrong.
      code = 'endpoint_not_found';
      if (ctx.baseUrl) message += ` from ${ctx.baseUrl}: is the base URL right (it includes /v2 or /v3)?`;
    }
  } else {
    message = res.text.trim() ? `${phrase}: ${res.text}` : phrase;
  }
  const ErrorClass = errorClassForStatus(res.status);
  return new ErrorClass(clip(redactText(message, apiKey)), {
    status: res.status,
    headers: headersToObject(res.headers, apiKey),
    body: scrubBody(res.json ?? (res.text ? clip(res.text) : undefined), apiKey),
    method: ctx.method,
    path: ctx.path,
    requestId: requestIdOf(res.headers),
    code,
  });
}

export function timeoutError(ms: number, ctx: RequestContext, cause: unknown): APITimeoutError {
  return new APITimeoutError(`Request timed out after ${ms} ms${where(ctx)}`, {
    method: ctx.method,
    path: ctx.path,
    cause,
  });
}

/** A failure before any HTTP answer: refused, reset, DNS… (`fetch failed` plus its cause's code). */
export function connectionError(cause: unknown, ctx: RequestContext, apiKey: string): APIConnectionError {
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const detail =
    (typeof inner?.code === 'string' && inner.code) ||
    (typeof inner?.message === 'string' && inner.message) ||
    (cause instanceof Error ? cause.message : String(cause));
  return new APIConnectionError(`Connection error${where(ctx)}: ${clip(redactText(detail, apiKey))}`, {
    method: ctx.method,
    path: ctx.path,
    cause: scrubCause(cause, apiKey),
  });
}

/** ` to api.edenai.run`: which host a failure without an answer was talking to. */
function where(ctx: RequestContext): string {
  if (!ctx.baseUrl) return '';
  try {
    return ` to ${new URL(ctx.baseUrl).host}`;
  } catch {
    return '';
  }
}

/**
 * The cause chain as it is, unless the API key appears in it (a custom transport may echo request
 * headers): then copies whose messages and stacks have it cut out, so `console.error(err)`, which
 * prints the causes too, cannot leak it.
 */
function scrubCause(cause: unknown, apiKey: string, depth = 0): unknown {
  if (!(cause instanceof Error) || depth > 4) return cause;
  const inner = scrubCause(cause.cause, apiKey, depth + 1);
  const message = redactText(cause.message, apiKey);
  const stack = cause.stack === undefined ? undefined : redactText(cause.stack, apiKey);
  if (inner === cause.cause && message === cause.message && stack === cause.stack) return cause;
  const copy = new Error(message, inner === undefined ? undefined : { cause: inner });
  copy.name = cause.name;
  copy.stack = stack;
  const code = (cause as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  return copy;
}
