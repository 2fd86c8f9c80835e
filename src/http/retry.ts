import { APIConnectionError, APIError, ResponseValidationError } from '../core/errors.js';

/**
 * Delay in ms before retry number `attempt` (1 for the first retry). `retryAfterMs` is set when
 * the server sent a `Retry-After` header on a 429 or 503.
 *
 * @example
 * const retryDelay: RetryDelay = (attempt, retryAfterMs) => retryAfterMs ?? 100 * attempt;
 */
export type RetryDelay = (attempt: number, retryAfterMs?: number) => number;

/**
 * Waits `ms`, rejecting with `signal.reason` if the signal aborts first.
 *
 * @example
 * const sleep: Sleep = async () => {}; // tests: never wait
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** A server asking for longer than this is not waited on beyond it. */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Exponential backoff (0.5 s, 1 s, 2 s… capped at 8 s) with up to 25 % jitter, so clients that
 * failed together do not retry together. A server's `Retry-After` wins (capped at 60 s).
 */
export const defaultRetryDelay: RetryDelay = (attempt, retryAfterMs) => {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
  const backoff = Math.min(BASE_DELAY_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return backoff * (1 - Math.random() * 0.25);
};

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** `Retry-After` as seconds (`"2"`, `"1.5"`) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

const RETRYABLE_STATUS = new Set([408, 409, 429]);

/** 408/409/429/5xx and connection errors (timeouts included) are worth another attempt. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ResponseValidationError) return false;
  if (error instanceof APIConnectionError) return true;
  if (!(error instanceof APIError) || error.status === undefined) return false;
  return RETRYABLE_STATUS.has(error.status) || error.status >= 500;
}

/**
 * False only when the server certainly did not act on the request (a 429 refuses it up front).
 * A connection error, a timeout or a 5xx may have been applied with the answer lost.
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  return !(error instanceof APIError && error.status === 429);
}
