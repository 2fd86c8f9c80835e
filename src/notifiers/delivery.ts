// HTTP delivery shared by the webhook and Slack notifiers: one POST with retries, and its error.
import { ConfigurationError, EdenAIError, type ErrorCode } from '../core/errors.js';

/** Retry and transport options shared by the HTTP notifiers (webhook, Slack). */
export interface HttpDeliveryOptions {
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** Backoff before retry n (1-based), in ms, when the receiver gives no `Retry-After`. Default 500 ms × 2ⁿ⁻¹ (jittered, ≤ 8 s). */
  retryDelay?: number | ((attempt: number) => number);
  /** Default: a real timer. Tests pass a recorder and never wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number;
  /** A `Retry-After` longer than this gives up (the AlertSystem retries next run). Default 60 000 ms. */
  maxRetryAfterMs?: number;
}

/**
 * A notifier could not hand its alerts over (after its retries). Names the notifier and the
 * receiving host, never the full URL (Slack webhook URLs are secrets) nor a signing secret.
 *
 * @example
 * report.failures.forEach((f) => f.error instanceof NotifierDeliveryError && console.warn(f.error.status));
 */
export class NotifierDeliveryError extends EdenAIError {
  static override readonly code: ErrorCode = 'notifier_delivery_failed';
  readonly notifier: string;
  /** Last HTTP status, when the receiver answered. */
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(
    message: string,
    init: { notifier: string; status?: number; attempts: number; cause?: unknown },
  ) {
    super(message, { cause: init.cause });
    this.notifier = init.notifier;
    this.status = init.status;
    this.attempts = init.attempts;
  }
}

export interface Delivery {
  /** Body and headers of one attempt (re-built per attempt so a signature timestamp stays fresh). */
  request(attempt: number): { body: string; headers: Record<string, string> };
}

/** Picks and validates the delivery options (so a notifier keeps nothing else, e.g. no secret). */
export function deliveryOptions(options: HttpDeliveryOptions, where: string): HttpDeliveryOptions {
  const { fetch, maxRetries, retryDelay, sleep, timeoutMs, maxRetryAfterMs } = options;
  const bad = (what: string) => new ConfigurationError(`${where}: ${what}`);
  if (fetch !== undefined && typeof fetch !== 'function') throw bad('`fetch` must be a function');
  if (sleep !== undefined && typeof sleep !== 'function') throw bad('`sleep` must be a function');
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0 && maxRetries <= 20)) {
    throw bad('`maxRetries` must be an integer from 0 to 20');
  }
  if (
    retryDelay !== undefined &&
    typeof retryDelay !== 'function' &&
    !(Number.isFinite(retryDelay) && retryDelay >= 0)
  ) {
    throw bad('`retryDelay` must be a number of ms ≥ 0 or a function');
  }
  for (const [name, v] of [
    ['timeoutMs', timeoutMs],
    ['maxRetryAfterMs', maxRetryAfterMs],
  ] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      throw bad(`\`${name}\` must be a number of ms > 0`);
  }
  return { fetch, maxRetries, retryDelay, sleep, timeoutMs, maxRetryAfterMs };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Validates an http(s) URL without ever echoing it (a Slack webhook URL is itself a secret). */
export function parseTargetUrl(url: unknown, where: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {}
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new ConfigurationError(`${where}: the URL must be an absolute http(s) URL`);
  }
  return parsed;
}

/**
 * POSTs with retries: connection errors, timeouts, 408, 429 and 5xx are retried with exponential
 * backoff, honouring `Retry-After`; other statuses fail at once. Errors name the host only.
 * One helper for every HTTP notifier.
 */
export async function postWithRetry(
  notifier: string,
  url: URL,
  delivery: Delivery,
  options: HttpDeliveryOptions,
): Promise<void> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const maxRetries = options.maxRetries ?? 3;
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const where = `${url.protocol}//${url.host}`;
  const fail = (reason: string, attempts: number, status?: number, cause?: unknown) =>
    new NotifierDeliveryError(
      `${notifier}: delivery to ${where} failed after ${attempts} attempt(s): ${reason}`,
      {
        notifier,
        attempts,
        ...(status === undefined ? {} : { status }),
        cause,
      },
    );

  for (let attempt = 1; ; attempt++) {
    const { body, headers } = delivery.request(attempt);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'edenai-token-manager', ...headers },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      const reason = timedOut ? `timed out after ${timeoutMs} ms` : 'connection failed';
      if (attempt > maxRetries) throw fail(reason, attempt, undefined, scrub(error, url));
      await sleep(backoff(options.retryDelay, attempt));
      continue;
    }
    await response.arrayBuffer().catch(() => undefined); // free the connection
    if (response.ok) return;
    const status = response.status;
    const reason = `${status} ${response.statusText}`.trim();
    const retryable = status === 408 || status === 429 || status >= 500;
    if (!retryable || attempt > maxRetries) throw fail(reason, attempt, status);
    const after = retryAfterMs(response.headers.get('retry-after'), Date.now());
    if (after !== undefined && after > maxRetryAfterMs) {
      throw fail(`${reason}, retry asked in ${Math.ceil(after / 1000)} s`, attempt, status);
    }
    await sleep(after ?? backoff(options.retryDelay, attempt));
  }
}

function backoff(retryDelay: HttpDeliveryOptions['retryDelay'], attempt: number): number {
  if (typeof retryDelay === 'function') return retryDelay(attempt);
  const base = retryDelay ?? 500;
  const exp = Math.min(8_000, base * 2 ** (attempt - 1));
  return retryDelay === undefined ? Math.round(exp * (0.5 + Math.random() / 2)) : exp;
}

/** `Retry-After` as seconds or an HTTP date → ms (never negative). */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A transport error's message may quote the URL; keep only the host. */
function scrub(error: unknown, url: URL): Error {
  const message = error instanceof Error ? error.message : String(error);
  const host = `${url.protocol}//${url.host}`;
  let clean = message.split(url.href).join(host);
  const tail = url.pathname + url.search;
  if (tail.length > 1) clean = clean.split(tail).join('/…');
  const e = new Error(clean);
  e.name = error instanceof Error ? error.name : 'Error';
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof code === 'string') (e as Error & { code?: string }).code = code;
  return e;
}
