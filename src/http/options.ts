import type { MeterProvider } from '@opentelemetry/api';
import { ConfigurationError } from '../core/errors.js';
import { EDEN_REQUESTS_PER_SECOND } from '../core/limits.js';
import { checkedLogger, type Logger } from '../core/types.js';
import { HttpMetrics } from '../metrics/http.js';
import { RateLimiter, type RequestLimiter, sharedRateLimiter } from './rate-limiter.js';
import { defaultRetryDelay, type RetryDelay } from './retry.js';

/** The default v2 host; the version is part of the base URL. */
export const DEFAULT_BASE_URL = 'https://api.edenai.run/v2';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

/**
 * Hooks run by the client's ky instance, beside the SDK's own (pacing, logging, recovery). They
 * have ky's shape (https://github.com/sindresorhus/ky#hooks), declared here so the SDK's types do
 * not depend on ky's. The SDK's hooks run first; each of yours runs on every attempt.
 *
 * @example
 * const hooks: ClientHooks = {
 *   beforeRequest: [(request) => request.headers.set('traceparent', currentTraceparent())],
 * };
 * const client = new CustomTokenClient({ hooks });
 */
// biome-ignore-start lint/suspicious/noConfusingVoidType: ky's hook types return void (a hook that only sets a header).
export interface ClientHooks {
  /** Before each attempt is sent; may change `request.headers`, or return a Request/Response to use instead. */
  beforeRequest?: ((
    request: Request,
    options: unknown,
    state: { retryCount: number },
  ) => Request | Response | undefined | void | Promise<Request | Response | undefined | void>)[];
  /** After each answer (2xx or not), before it is turned into a result or an error. */
  afterResponse?: ((
    request: Request,
    options: unknown,
    response: Response,
    state: { retryCount: number },
  ) => Response | undefined | void | Promise<Response | undefined | void>)[];
  /** Before each retry; `error` is why the previous attempt failed. */
  beforeRetry?: ((state: {
    request: Request;
    options: unknown;
    error: Error;
    retryCount: number;
  }) => undefined | void | Promise<undefined | void>)[];
}
// biome-ignore-end lint/suspicious/noConfusingVoidType: end of the hook types

/**
 * Options shared by `CustomTokenClient`, `CostClient` and `ManagementKeyClient`.
 *
 * @example
 * const options: ClientOptions = { apiKey: process.env.EDENAI_API_KEY, timeoutMs: 10_000 };
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
  /**
   * Overall time for one call, retries and waits included. Default: none (only `timeoutMs` per
   * attempt, and the caller's signal). A wait that would end past it is not started.
   */
  deadlineMs?: number | undefined;
  /** Retries after the first attempt (408/409/429/5xx and connection errors). Default 2. */
  maxRetries?: number | undefined;
  /**
   * Sends the requests (a fake server's, a proxy-aware one…). Called by ky as `fetch(request)`;
   * honour the request's signal so a timeout closes the connection. Default: global `fetch`.
   */
  fetch?: typeof fetch | undefined;
  /** Your ky hooks (tracing headers, metrics…), run beside the SDK's own. */
  hooks?: ClientHooks | undefined;
  /** Receives one `debug` line per attempt (method, path, status, ms, attempt). Default: silent. */
  logger?: Logger | undefined;
  /**
   * Client-side pacing, in requests per second. Default 10, Eden's documented limit per account:
   * every client in this process that talks to the same Eden host with the same figure shares one
   * limiter (v2 and v3 clients together). `false` switches pacing off.
   */
  maxRequestsPerSecond?: number | false | undefined;
  /**
   * Your own limiter (e.g. one per account when a process serves several accounts); wins over
   * `maxRequestsPerSecond`.
   */
  rateLimiter?: RequestLimiter | undefined;
  /**
   * Delay before retry number `attempt` (1-based); `retryAfterMs` is the server's `Retry-After`.
   * Default: the server's `Retry-After` (at most 60 s), else exponential backoff (0.5 s, 1 s, 2 s…
   * at most 8 s) with up to 25 % jitter. Tests pass `() => 0`.
   */
  retryDelay?: RetryDelay | undefined;
  /** Time source used to read `Retry-After` dates and deadlines. Default: the system clock. */
  clock?: (() => Date) | undefined;
  /**
   * Receives the client's metrics (requests by status class, retries, 429 answers, durations; see
   * docs/metrics.md). Default: OpenTelemetry's global provider, a no-op until your application
   * registers an OpenTelemetry SDK.
   */
  meterProvider?: MeterProvider | undefined;
}

/** Options after defaults, validated once at construction. */
export interface ResolvedOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  deadlineMs: number | undefined;
  maxRetries: number;
  fetch: typeof fetch | undefined;
  hooks: ClientHooks;
  logger: Logger;
  rateLimiter: RequestLimiter | undefined;
  retryDelay: RetryDelay;
  clock: () => Date;
  metrics: HttpMetrics;
}

/** setTimeout's limit: a longer delay would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const HOOK_NAMES = ['beforeRequest', 'afterResponse', 'beforeRetry'] as const;

/** A usable timeout or deadline: positive and within setTimeout's range. */
export function isValidTimeout(ms: unknown): ms is number {
  return typeof ms === 'number' && ms > 0 && ms <= MAX_TIMEOUT_MS;
}

/** A usable retry count: a non-negative integer. */
export function isValidRetries(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

/** Reads an environment variable where the runtime has one (Node, Bun, Deno with compat); never throws. */
export function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name];
}

function assertHooks(hooks: unknown): asserts hooks is ClientHooks {
  if (typeof hooks !== 'object' || hooks === null) throw new ConfigurationError('hooks must be an object');
  for (const [name, list] of Object.entries(hooks)) {
    if (!(HOOK_NAMES as readonly string[]).includes(name)) {
      throw new ConfigurationError(`Unknown hook "${name}": use ${HOOK_NAMES.join(', ')}`);
    }
    if (!Array.isArray(list) || list.some((h) => typeof h !== 'function')) {
      throw new ConfigurationError(`hooks.${name} must be an array of functions`);
    }
  }
}

function limiterFor(options: ClientOptions, baseUrl: string): RequestLimiter | undefined {
  if (options.rateLimiter !== undefined) {
    if (typeof (options.rateLimiter as { acquire?: unknown })?.acquire !== 'function') {
      throw new ConfigurationError('rateLimiter must have an acquire(signal) method (a RateLimiter fits)');
    }
    return options.rateLimiter;
  }
  const perSecond = options.maxRequestsPerSecond ?? EDEN_REQUESTS_PER_SECOND;
  if (perSecond === false) return undefined;
  // Validated by the constructor; shared per host (Eden counts per account, across v2 and v3).
  if (!Number.isInteger(perSecond) || perSecond < 1) new RateLimiter({ perSecond });
  return sharedRateLimiter(new URL(baseUrl).origin, perSecond);
}

/** Applies defaults and rejects a misconfiguration before any request is made. */
export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('options must be an object');
  const apiKey = options.apiKey ?? readEnv('EDENAI_API_KEY');
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ConfigurationError(
      'Missing Eden AI API key: pass { apiKey } or set the EDENAI_API_KEY environment variable',
    );
  }
  // A key with whitespace or control characters is a copy-paste accident; sent as a header it
  // would fail every request, and printed in an error it would leak.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\s\u0000-\u001f\u007f]/.test(apiKey)) {
    throw new ConfigurationError(
      'The Eden AI API key contains whitespace or a control character (a line break from copy-paste?): trim it',
    );
  }
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(baseUrl) || !URL.canParse(baseUrl)) {
    throw new ConfigurationError(`baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!isValidTimeout(timeoutMs)) {
    throw new ConfigurationError(`timeoutMs must be a positive number of ms (≤ 2^31 − 1), got ${timeoutMs}`);
  }
  if (options.deadlineMs !== undefined && !isValidTimeout(options.deadlineMs)) {
    throw new ConfigurationError(`deadlineMs must be a positive number of ms, got ${options.deadlineMs}`);
  }
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!isValidRetries(maxRetries)) {
    throw new ConfigurationError(`maxRetries must be a non-negative integer, got ${maxRetries}`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError('fetch must be a function');
  }
  if (options.retryDelay !== undefined && typeof options.retryDelay !== 'function') {
    throw new ConfigurationError('retryDelay must be a function (attempt, retryAfterMs) => ms');
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new ConfigurationError('clock must be a function returning a Date');
  }
  const hooks = options.hooks ?? {};
  assertHooks(hooks);
  const logger = checkedLogger(options.logger, 'Client options');
  return {
    apiKey,
    baseUrl,
    timeoutMs,
    deadlineMs: options.deadlineMs,
    maxRetries,
    fetch: options.fetch,
    hooks,
    logger,
    rateLimiter: limiterFor(options, baseUrl),
    retryDelay: options.retryDelay ?? defaultRetryDelay,
    clock: options.clock ?? (() => new Date()),
    metrics: new HttpMetrics(options.meterProvider),
  };
}
