import { ConfigurationError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/types.js';
import { RateLimiter } from './rate-limiter.js';
import { defaultRetryDelay, defaultSleep, type RetryDelay, type Sleep } from './retry.js';

/** The default v2 host; the version is part of the base URL. */
export const DEFAULT_BASE_URL = 'https://api.edenai.run/v2';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

/**
 * Options shared by `CustomTokenClient` and `CostClient`.
 *
 * @example
 * const options: ClientOptions = { apiKey: process.env.EDENAI_API_KEY, maxRequestsPerSecond: 10 };
 * const tokens = new CustomTokenClient(options);
 * const costs = new CostClient(options);
 */
export interface ClientOptions {
  /** Bearer key. Default: `process.env.EDENAI_API_KEY`; missing → `ConfigurationError`. */
  apiKey?: string | undefined;
  /** Includes the API version. Default `https://api.edenai.run/v2`. */
  baseUrl?: string | undefined;
  /** Per-attempt timeout. Default 30 000 ms. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (408/409/429/5xx and connection errors). Default 2. */
  maxRetries?: number | undefined;
  /**
   * Sends the requests (a fake server's, a proxy-aware one, a ky instance…). Called as
   * `fetch(url, init)`; honour `init.signal` so a timeout closes the connection. Default: global `fetch`.
   */
  fetch?: typeof fetch | undefined;
  /** Receives one `debug` line per attempt (method, path, status, ms, attempt). Default: silent. */
  logger?: Logger | undefined;
  /**
   * Paces requests on the client (sliding 1000 ms window). Default: off. Eden documents 10/s per
   * account; pass `rateLimiter` instead to share one budget between several clients.
   */
  maxRequestsPerSecond?: number | undefined;
  /** A limiter shared by several clients of one account. Wins over `maxRequestsPerSecond`. */
  rateLimiter?: RateLimiter | undefined;
  /** Delay before retry number `attempt` (1-based); `retryAfterMs` is the server's `Retry-After`. */
  retryDelay?: RetryDelay | undefined;
  /** Waits between retries; tests inject one that returns at once. */
  sleep?: Sleep | undefined;
  /** Time source used to read `Retry-After` HTTP dates. Default: the system clock. */
  clock?: (() => Date) | undefined;
}

/** Options after defaults, validated once at construction. */
export interface ResolvedOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch | undefined;
  logger: Logger;
  rateLimiter: RateLimiter | undefined;
  retryDelay: RetryDelay;
  sleep: Sleep;
  clock: () => Date;
}

/** setTimeout's limit: a longer delay would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** A usable per-attempt timeout: positive and within setTimeout's range. */
export function isValidTimeout(ms: unknown): ms is number {
  return typeof ms === 'number' && ms > 0 && ms <= MAX_TIMEOUT_MS;
}

/** A usable retry count: a non-negative integer. */
export function isValidRetries(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** Applies defaults and rejects a misconfiguration before any request is made. */
export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  const apiKey = options.apiKey ?? process.env['EDENAI_API_KEY'];
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ConfigurationError(
      'Missing Eden AI API key: pass { apiKey } or set the EDENAI_API_KEY environment variable',
    );
  }
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    throw new ConfigurationError(`baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!isValidTimeout(timeoutMs)) {
    throw new ConfigurationError(`timeoutMs must be a positive number of ms (≤ 2^31 − 1), got ${timeoutMs}`);
  }
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!isValidRetries(maxRetries)) {
    throw new ConfigurationError(`maxRetries must be a non-negative integer, got ${maxRetries}`);
  }
  let rateLimiter = options.rateLimiter;
  if (!rateLimiter && options.maxRequestsPerSecond !== undefined) {
    rateLimiter = new RateLimiter({ perSecond: options.maxRequestsPerSecond });
  }
  return {
    apiKey,
    baseUrl,
    timeoutMs,
    maxRetries,
    fetch: options.fetch,
    logger: options.logger ?? silentLogger,
    rateLimiter,
    retryDelay: options.retryDelay ?? defaultRetryDelay,
    sleep: options.sleep ?? defaultSleep,
    clock: options.clock ?? (() => new Date()),
  };
}
