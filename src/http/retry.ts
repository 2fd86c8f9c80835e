// The retry policy: which failures are worth another attempt, and how long to wait before it.
// ky runs the retries and the waits; it asks these functions (through `shouldRetry` and
// `delay`) so that `Retry-After` is read with the injected clock and tests never wait.

/**
 * Delay in ms before retry number `attempt` (1 for the first retry). `retryAfterMs` is set when
 * the server sent a `Retry-After` header on a 429 or 503.
 *
 * @example
 * const retryDelay: RetryDelay = (attempt, retryAfterMs) => retryAfterMs ?? 100 * attempt;
 */
export type RetryDelay = (attempt: number, retryAfterMs?: number) => number;

const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** A server asking for longer than this is not waited on beyond it. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Exponential backoff (0.5 s, 1 s, 2 s… capped at 8 s) with up to 25 % jitter, so clients that
 * failed together do not retry together. A server's `Retry-After` wins (capped at 60 s).
 */
export const defaultRetryDelay: RetryDelay = (attempt, retryAfterMs) => {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
  const backoff = Math.min(BASE_DELAY_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return backoff * (1 - Math.random() * 0.25);
};

/** `Retry-After` as seconds (`"2"`, `"1.5"`) or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** 408/409/429/5xx answers are worth another attempt (connection errors and timeouts too). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
