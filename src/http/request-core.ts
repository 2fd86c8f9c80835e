import type { z } from 'zod';
import { APIError, InvalidInputError, ResponseValidationError } from '../core/errors.js';
import { type RequestOptions, silentLogger } from '../core/types.js';
import {
  connectionError,
  errorFromResponse,
  headersToObject,
  parseJsonBody,
  type RequestContext,
  scrubBody,
  timeoutError,
} from './errors-map.js';
import { isValidRetries, isValidTimeout, type ResolvedOptions } from './options.js';
import { isRetryable, mayHaveBeenApplied, parseRetryAfter } from './retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A value found while recovering from a lost attempt (boxed, so `void` results work too). */
export type Found<T> = { value: T } | undefined;

/**
 * How a non-idempotent call recovers after an attempt whose answer was lost (connection error,
 * timeout, 5xx): it may have been applied, so the call must find out instead of blindly resending.
 */
export interface Recovery<T> {
  /** Runs before each resend that follows a possibly-applied attempt; a found value ends the call. */
  lookup?: () => Promise<Found<T>>;
  /** Turns an error answered to such a resend (e.g. "already exists") into a result. */
  afterLost?: (error: APIError) => Promise<Found<T>>;
}

export interface Call<T> {
  method: HttpMethod;
  /** Relative to the base URL, no leading slash, with Eden's trailing slash. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Validates (and converts) a 2xx body; absent: the body is ignored. */
  schema?: z.ZodType<T>;
  options?: RequestOptions | undefined;
  /** POST defaults to "retry only on 429"; a recovery makes its lost attempts retryable too. */
  recovery?: Recovery<T>;
}

interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/**
 * The one pipeline every call goes through: auth, rate limiting, per-attempt timeout, abort,
 * retries with backoff, error mapping, response validation and logging. Requests go out through
 * `fetch(url, init)` directly: an HTTP library in between would redo (and pay for) the retries,
 * timeouts and error handling this class owns. A user who wants one plugs it in as `fetch`.
 */
export class RequestCore {
  readonly #o: ResolvedOptions;
  readonly #fetch: typeof fetch;
  /** Built once: undici copies init headers on every call anyway. */
  readonly #headers: Record<string, string>;
  readonly #jsonHeaders: Record<string, string>;

  constructor(options: ResolvedOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#headers = { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' };
    this.#jsonHeaders = { ...this.#headers, 'content-type': 'application/json' };
  }

  /** Sends `call`, retrying what is safe to retry, and returns the validated body. */
  async request<T>(call: Call<T>): Promise<T> {
    const options = call.options ?? {};
    const maxRetries = options.maxRetries ?? this.#o.maxRetries;
    if (!isValidRetries(maxRetries)) {
      throw new InvalidInputError(`maxRetries must be a non-negative integer, got ${maxRetries}`, {
        field: 'maxRetries',
      });
    }
    if (options.timeoutMs !== undefined && !isValidTimeout(options.timeoutMs)) {
      throw new InvalidInputError(`timeoutMs must be a positive number of ms, got ${options.timeoutMs}`, {
        field: 'timeoutMs',
      });
    }
    const signal = options.signal;
    const unsafe = call.method === 'POST';
    let mayBeApplied = false;
    for (let attempt = 1; ; attempt++) {
      if (mayBeApplied && call.recovery?.lookup) {
        const found = await call.recovery.lookup();
        if (found) return found.value;
      }
      let error: unknown;
      try {
        return await this.#attempt(call, attempt, options);
      } catch (caught) {
        error = caught;
      }
      if (signal?.aborted || !(error instanceof APIError)) throw error;
      if (mayBeApplied && call.recovery?.afterLost) {
        const found = await call.recovery.afterLost(error);
        if (found) return found.value;
      }
      const applied = mayHaveBeenApplied(error);
      if (attempt > maxRetries || !isRetryable(error) || (unsafe && applied && !call.recovery)) throw error;
      if (applied && call.recovery) mayBeApplied = true;
      const delay = this.#o.retryDelay(attempt, this.#retryAfter(error));
      await this.#o.sleep(delay, signal);
    }
  }

  #retryAfter(error: APIError): number | undefined {
    if (error.status !== 429 && error.status !== 503) return undefined;
    return parseRetryAfter(error.headers['retry-after'], this.#o.clock());
  }

  async #attempt<T>(call: Call<T>, attempt: number, options: RequestOptions): Promise<T> {
    options.signal?.throwIfAborted();
    const release = await this.#o.rateLimiter?.acquire(options.signal);
    const ctx: RequestContext = { method: call.method, path: `/${call.path}` };
    const logger = this.#o.logger;
    // The default logger is silent: skip timing and building log lines nobody reads.
    const started = logger === silentLogger ? 0 : performance.now();
    let status: number | undefined;
    let outcome: string | undefined;
    try {
      let res: RawResponse;
      try {
        res = await this.#send(call, ctx, options);
      } finally {
        release?.();
      }
      status = res.status;
      if (status < 200 || status >= 300) {
        throw errorFromResponse({ ...res, json: parseJsonBody(res.text) }, ctx, this.#o.apiKey);
      }
      return this.#validate(call, res, ctx);
    } catch (error) {
      outcome = error instanceof Error ? error.name : 'Error';
      throw error;
    } finally {
      if (logger !== silentLogger) {
        logger.debug('Eden AI request', {
          method: call.method,
          path: ctx.path,
          status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          attempt,
          ...(outcome && status === undefined ? { error: outcome } : {}),
        });
      }
    }
  }

  #validate<T>(call: Call<T>, res: RawResponse, ctx: RequestContext): T {
    if (!call.schema) return undefined as T;
    let json: unknown;
    try {
      json = res.text === '' ? undefined : JSON.parse(res.text);
    } catch {
      throw new ResponseValidationError('response body is not JSON', {
        ...ctx,
        status: res.status,
        issues: [{ path: '(body)', message: 'not JSON' }],
      });
    }
    const parsed = call.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path) || '(body)',
      message: issue.message,
    }));
    const summary = issues
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new ResponseValidationError(`response body does not match the expected schema: ${summary}`, {
      ...ctx,
      status: res.status,
      headers: headersToObject(res.headers),
      body: scrubBody(json, this.#o.apiKey),
      issues,
    });
  }

  #url(call: Call<unknown>): string {
    const url = `${this.#o.baseUrl}/${call.path}`;
    if (!call.query) return url;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query)) {
      if (value !== undefined) params.append(key, String(value));
    }
    const query = params.toString();
    return query ? `${url}?${query}` : url;
  }

  /**
   * One HTTP exchange, headers and body, bounded by the timeout and the caller's signal. Both
   * abort our controller, which closes the socket; the promise settles at once even if an
   * injected `fetch` ignores the signal. One controller per attempt and a listener on the
   * caller's signal are much cheaper than `AbortSignal.any` / `AbortSignal.timeout`.
   */
  #send(call: Call<unknown>, ctx: RequestContext, options: RequestOptions): Promise<RawResponse> {
    const timeoutMs = options.timeoutMs ?? this.#o.timeoutMs;
    const signal = options.signal;
    signal?.throwIfAborted();
    const controller = new AbortController();
    const hasBody = call.body !== undefined;
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (reason: unknown) => {
        if (settled) return;
        settle();
        controller.abort(reason);
        reject(reason);
      };
      const timer = setTimeout(() => fail(timeoutError(timeoutMs, ctx, undefined)), timeoutMs);
      const onAbort = () => fail(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      let sent: Promise<Response>;
      try {
        sent = this.#fetch(this.#url(call), {
          method: call.method,
          headers: hasBody ? this.#jsonHeaders : this.#headers,
          signal: controller.signal,
          ...(hasBody ? { body: JSON.stringify(call.body) } : {}),
        });
      } catch (error) {
        sent = Promise.reject(error); // a custom fetch that throws: same path, timer cleared
      }
      sent
        .then(async (res) => ({
          status: res.status,
          statusText: res.statusText,
          headers: res.headers,
          text: await res.text(),
        }))
        .then(
          (res) => {
            if (settled) return;
            settle();
            resolve(res);
          },
          (error: unknown) => {
            if (settled) return;
            settle();
            reject(connectionError(error, ctx, this.#o.apiKey));
          },
        );
    });
  }
}

/** `['response', 0, 'data']` → `response[0].data` */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
