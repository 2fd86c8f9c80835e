import { STATUS_CODES } from 'node:http';
import { APIConnectionError, type APIError, APITimeoutError, errorClassForStatus } from '../core/errors.js';

/** Where a request went: carried by every error, never with headers or query values. */
export interface RequestContext {
  method: string;
  path: string;
}

const SENSITIVE_KEY = /^(?:token|key|api_?key|password|authorization|access_token|refresh_token)$|secret/i;
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-amzn-requestid', 'x-correlation-id'];
const MAX_MESSAGE = 300;

/** Field names whose values may be credentials (`token`, `secret`, `api_key`…; not `token_type`). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/**
 * Replaces every occurrence of `secret` (the API key) in `text`. Real keys are long; a toy key of
 * a few characters (tests) would otherwise shred every message it happens to appear in.
 */
export function redactText(text: string, secret: string | undefined): string {
  return secret && secret.length >= 8 && text.includes(secret) ? text.split(secret).join('[redacted]') : text;
}

/**
 * A copy of a body that is safe to keep on an error or log: `token`/`secret`-like fields are
 * replaced and the API key is cut out of any string.
 */
export function scrubBody(value: unknown, apiKey?: string): unknown {
  if (typeof value === 'string') return redactText(value, apiKey);
  if (Array.isArray(value)) return value.map((v) => scrubBody(v, apiKey));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveKey(k) && v != null ? '[redacted]' : scrubBody(v, apiKey);
  }
  return out;
}

export function headersToObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
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
  return statusText || STATUS_CODES[status] || 'HTTP error';
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
  if (res.json !== undefined) {
    message = messageFromJson(res.json) ?? phrase;
  } else if (/^\s*<(?:!doctype|html|\?xml|head|body)/i.test(res.text)) {
    // Proxies and load balancers answer with whole HTML pages: name the page, don't paste it.
    message = `${phrase} (HTML error page)`;
  } else {
    message = res.text.trim() ? `${phrase}: ${res.text}` : phrase;
  }
  const ErrorClass = errorClassForStatus(res.status);
  return new ErrorClass(redactText(clip(message), apiKey), {
    status: res.status,
    headers: headersToObject(res.headers),
    body: scrubBody(res.json ?? (res.text ? clip(res.text) : undefined), apiKey),
    method: ctx.method,
    path: ctx.path,
    requestId: requestIdOf(res.headers),
  });
}

export function timeoutError(ms: number, ctx: RequestContext, cause: unknown): APITimeoutError {
  return new APITimeoutError(`Request timed out after ${ms} ms`, { ...ctx, cause });
}

/** A failure before any HTTP answer: refused, reset, DNS… (`fetch failed` plus its cause's code). */
export function connectionError(cause: unknown, ctx: RequestContext, apiKey: string): APIConnectionError {
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const detail =
    (typeof inner?.code === 'string' && inner.code) ||
    (typeof inner?.message === 'string' && inner.message) ||
    (cause instanceof Error ? cause.message : String(cause));
  return new APIConnectionError(`Connection error: ${redactText(clip(detail), apiKey)}`, {
    ...ctx,
    cause: scrubCause(cause, apiKey),
  });
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
