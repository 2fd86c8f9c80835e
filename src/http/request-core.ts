import ky, { HTTPError, type KyInstance, TimeoutError } from 'ky';
import type * as z from 'zod/mini';
import {
  APIError,
  APITimeoutError,
  type ErrorCode,
  InvalidInputError,
  ResponseValidationError,
} from '../core/errors.js';
import { type RequestOptions, silentLogger } from '../core/types.js';
import { safeParse } from '../core/zod.js';
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
import type { ReleaseSlot } from './rate-limiter.js';
import { isRetryableStatus, parseRetryAfter } from './retry.js';

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
  schema?: z.core.$ZodType<T>;
  options?: RequestOptions | undefined;
  /** The code of a JSON 404 here (`token_not_found` on a token's own URL). */
  notFoundCode?: ErrorCode;
  /** POST defaults to "retry only on 429"; a recovery makes its lost attempts retryable too. */
  recovery?: Recovery<T>;
}

/** Bodies larger than this are refused: Eden's answers are a few KB, a token list a few MB. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const RETRY_METHODS: ('get' | 'post' | 'patch' | 'delete')[] = ['get', 'post', 'patch', 'delete'];

/** One call's state, handed to the SDK's ky hooks through ky's `context` option. */
interface CallState {
  ctx: RequestContext;
  signal: AbortSignal | undefined;
  attempt: number;
  started: number;
  release: ReleaseSlot | undefined;
  /** The last attempt's body, read within its timeout. */
  text: string;
  /** Set once an attempt failed in a way that may have been applied (its answer was lost). */
  lost: boolean;
  lookup: (() => Promise<Found<unknown>>) | undefined;
  found: Found<unknown>;
  nextDelayMs: number;
}

function stateOf(options: unknown): CallState {
  return (options as { context: { edenai: CallState } }).context.edenai;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/** Per-call options, checked before anything is sent: a typo must not become a hang or a TypeError. */
function checkOptions(options: unknown): RequestOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError(
      'options must be an object { signal?, timeoutMs?, deadlineMs?, maxRetries? }',
      {
        field: 'options',
      },
    );
  }
  const o = options as RequestOptions;
  if (o.signal !== undefined && !isAbortSignal(o.signal)) {
    throw new InvalidInputError('signal must be an AbortSignal', { field: 'signal' });
  }
  if (o.maxRetries !== undefined && !isValidRetries(o.maxRetries)) {
    throw new InvalidInputError(`maxRetries must be a non-negative integer, got ${String(o.maxRetries)}`, {
      field: 'maxRetries',
    });
  }
  for (const field of ['timeoutMs', 'deadlineMs'] as const) {
    if (o[field] !== undefined && !isValidTimeout(o[field])) {
      throw new InvalidInputError(`${field} must be a positive number of ms, got ${String(o[field])}`, {
        field,
      });
    }
  }
  return o;
}

/**
 * The one pipeline every call of the v2 and v3 clients goes through, on one ky instance per client.
 * ky builds the URL and JSON body, times each attempt out, runs the retries and their waits, and
 * the user's hooks. The SDK adds, through ky's hooks and `fetch`: client-side pacing, the bounded
 * body read, the per-attempt debug line, the retry decision (so that `Retry-After` is read with
 * the injected clock and never waited past the call's deadline), the lost-answer recovery of
 * non-idempotent calls, error mapping with the key scrubbed, and zod validation.
 */
export class RequestCore {
  readonly #o: ResolvedOptions;
  readonly #ky: KyInstance;
  /** User afterResponse hooks clone the response: then it must carry its (already read) body. */
  readonly #rewrap: boolean;

  constructor(options: ResolvedOptions) {
    this.#o = options;
    const { hooks } = options;
    this.#rewrap = (hooks.afterResponse?.length ?? 0) > 0;
    this.#ky = ky.create({
      prefixUrl: `${options.baseUrl}/`,
      headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
      throwHttpErrors: true,
      hooks: {
        // The SDK's hooks first: a user hook that returns a Request ends ky's loop.
        beforeRequest: [(_request, o) => this.#beforeAttempt(stateOf(o)), ...(hooks.beforeRequest ?? [])],
        beforeRetry: [({ options: o }) => this.#beforeRetry(stateOf(o)), ...(hooks.beforeRetry ?? [])],
        afterResponse: [...(hooks.afterResponse ?? [])],
      } as NonNullable<Parameters<typeof ky.create>[0]>['hooks'],
    });
  }

  /** Sends `call`, retrying what is safe to retry, and returns the validated body. */
  async request<T>(call: Call<T>): Promise<T> {
    const options = checkOptions(call.options);
    const timeoutMs = options.timeoutMs ?? this.#o.timeoutMs;
    const deadlineMs = options.deadlineMs ?? this.#o.deadlineMs;
    const deadlineAt = deadlineMs === undefined ? undefined : this.#o.clock().getTime() + deadlineMs;
    const deadline = deadlineMs === undefined ? undefined : AbortSignal.timeout(deadlineMs);
    const signal =
      deadline && options.signal ? AbortSignal.any([options.signal, deadline]) : (deadline ?? options.signal);
    signal?.throwIfAborted();
    const unsafe = call.method === 'POST';
    const state: CallState = {
      ctx: {
        method: call.method,
        path: `/${call.path}`,
        baseUrl: this.#o.baseUrl,
        ...(call.notFoundCode ? { notFoundCode: call.notFoundCode } : {}),
      },
      signal,
      attempt: 0,
      started: 0,
      release: undefined,
      text: '',
      lost: false,
      lookup: call.recovery?.lookup,
      found: undefined,
      nextDelayMs: 0,
    };
    try {
      const response = await this.#ky(call.path, {
        method: call.method,
        ...(call.query ? { searchParams: definedOnly(call.query) } : {}),
        ...(call.body !== undefined ? { json: call.body } : {}),
        timeout: timeoutMs,
        ...(signal ? { signal } : {}),
        context: { edenai: state },
        fetch: (input, init) => this.#exchange(state, input as Request, init ?? {}, timeoutMs),
        retry: {
          limit: options.maxRetries ?? this.#o.maxRetries,
          methods: RETRY_METHODS,
          shouldRetry: ({ error, retryCount }) =>
            this.#shouldRetry(state, error, retryCount, unsafe && !call.recovery, deadlineAt),
          delay: () => state.nextDelayMs,
        },
      });
      if (state.found) return state.found.value as T;
      return this.#validate(call, response, state);
    } catch (caught) {
      state.release?.();
      if (options.signal?.aborted) throw options.signal.reason;
      if (deadline?.aborted) {
        throw new APITimeoutError(`Call did not finish within its deadline of ${deadlineMs} ms`, {
          method: state.ctx.method,
          path: state.ctx.path,
        });
      }
      const error = this.#toError(caught, state, timeoutMs);
      if (state.lost && call.recovery?.afterLost && error instanceof APIError) {
        const found = await call.recovery.afterLost(error);
        if (found) return found.value;
      }
      throw error;
    }
  }

  async #beforeAttempt(state: CallState): Promise<void> {
    state.attempt++;
    state.release?.(); // a user hook answered the previous attempt itself: its slot is free
    state.release = await this.#o.rateLimiter?.acquire(state.signal);
  }

  /** After a possibly-applied attempt, a non-idempotent call looks before it resends. */
  async #beforeRetry(state: CallState): Promise<Response | undefined> {
    if (!state.lost || !state.lookup) return undefined;
    state.found = await state.lookup();
    // A Response from beforeRetry ends ky's retries; the found value is the call's result.
    return state.found ? new Response(null, { status: 204 }) : undefined;
  }

  /**
   * One attempt: the headers and the whole body, so ky's per-attempt timeout bounds a slow body
   * too. Releases the rate-limit slot when the answer is in, and writes the debug line.
   */
  async #exchange(
    state: CallState,
    request: Request,
    init: RequestInit,
    timeoutMs: number,
  ): Promise<Response> {
    const logger = this.#o.logger;
    const started = performance.now();
    let status: number | undefined;
    let failure: string | undefined;
    try {
      // The platform's fetch ends the request and its body on abort; a custom one may not.
      const custom = this.#o.fetch;
      const response = custom
        ? await settleOnAbort(custom(request, init), request.signal)
        : await globalThis.fetch(request, init);
      status = response.status;
      state.text = custom
        ? await settleOnAbort(readBody(response, state.ctx), request.signal)
        : await readBody(response, state.ctx);
      if (!this.#rewrap) return response;
      const empty = state.text === '' || status === 204 || status === 205 || status === 304;
      return new Response(empty ? null : state.text, response);
    } catch (error) {
      // Named as the caller will see it: a timeout aborted our request, anything else never got an answer.
      const timedOut = request.signal.aborted && !state.signal?.aborted;
      const mapped =
        error instanceof APIError
          ? error
          : timedOut
            ? timeoutError(timeoutMs, state.ctx, undefined)
            : undefined;
      failure = mapped?.name ?? (state.signal?.aborted ? 'AbortError' : 'APIConnectionError');
      throw mapped ?? error;
    } finally {
      state.release?.();
      state.release = undefined;
      const ms = performance.now() - started;
      this.#o.metrics.attempt(state.ctx.method, status, ms / 1000);
      // The default logger is silent: skip building log lines nobody reads.
      if (logger !== silentLogger) {
        logger.debug('Eden AI request', {
          method: state.ctx.method,
          path: state.ctx.path,
          status,
          ms: Math.round(ms * 10) / 10,
          attempt: state.attempt,
          ...(failure && status === undefined ? { error: failure } : {}),
        });
      }
    }
  }

  /**
   * Whether ky should try again, and after how long. Never after an abort; a POST only after a 429
   * (refused up front) unless it has a recovery; never a wait that would end past the deadline.
   */
  #shouldRetry(
    state: CallState,
    error: Error,
    retryCount: number,
    onlyIfRefused: boolean,
    deadlineAt: number | undefined,
  ): boolean {
    if (state.signal?.aborted) return false;
    let status: number | undefined;
    let retryAfterMs: number | undefined;
    if (error instanceof HTTPError) {
      status = error.response.status;
      if (!isRetryableStatus(status)) return false;
      // A conflict answered to a create is an answer (the name is taken), not a lost attempt.
      if (status === 409 && state.ctx.method === 'POST') return false;
      if (status === 429 || status === 503) {
        retryAfterMs = parseRetryAfter(error.response.headers.get('retry-after'), this.#o.clock());
      }
    } else if (error instanceof ResponseValidationError || (error instanceof APIError && error.status)) {
      return false;
    }
    const refused = status === 429;
    if (!refused) {
      if (onlyIfRefused) return false;
      state.lost = true;
    }
    const delayMs = this.#o.retryDelay(retryCount, retryAfterMs);
    if (deadlineAt !== undefined && this.#o.clock().getTime() + delayMs >= deadlineAt) return false;
    state.nextDelayMs = Math.max(0, delayMs);
    this.#o.metrics.retry(state.ctx.method, status);
    return true;
  }

  #toError(error: unknown, state: CallState, timeoutMs: number): unknown {
    if (error instanceof APIError) return error;
    if (error instanceof HTTPError) {
      const { response } = error;
      return errorFromResponse(
        {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
          text: state.text,
          json: parseJsonBody(state.text),
        },
        state.ctx,
        this.#o.apiKey,
      );
    }
    if (error instanceof TimeoutError) return timeoutError(timeoutMs, state.ctx, undefined);
    return connectionError(error, state.ctx, this.#o.apiKey);
  }

  #validate<T>(call: Call<T>, response: Response, state: CallState): T {
    if (!call.schema) return undefined as T;
    const ctx = state.ctx;
    let json: unknown;
    try {
      json = state.text === '' ? undefined : JSON.parse(state.text);
    } catch (error) {
      const why = error instanceof RangeError ? 'nested too deeply' : 'not JSON';
      throw new ResponseValidationError(`response body is ${why}`, {
        method: ctx.method,
        path: ctx.path,
        status: response.status,
        issues: [{ path: '(body)', message: why }],
      });
    }
    const parsed = safeParse(call.schema, json);
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
      method: ctx.method,
      path: ctx.path,
      status: response.status,
      headers: headersToObject(response.headers, this.#o.apiKey),
      body: scrubBody(json, this.#o.apiKey),
      issues,
    });
  }
}

/** Settles with `signal`'s reason as soon as it aborts, even if a custom fetch ignores the signal. */
function settleOnAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function definedOnly(query: Record<string, string | number | undefined>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined) out[key] = value;
  return out;
}

/** The whole body as text, refusing one larger than {@link MAX_BODY_BYTES}. */
async function readBody(response: Response, ctx: RequestContext): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge(response, ctx);
  }
  if (declared > 0 || !response.body) return response.text();
  // No length announced: count while reading.
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      void reader.cancel().catch(() => {});
      throw tooLarge(response, ctx);
    }
    text += decoder.decode(value, { stream: true });
  }
}

function tooLarge(response: Response, ctx: RequestContext): ResponseValidationError {
  return new ResponseValidationError(`response body is larger than ${MAX_BODY_BYTES} bytes`, {
    method: ctx.method,
    path: ctx.path,
    status: response.status,
    issues: [{ path: '(body)', message: 'too large' }],
  });
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
