import { ConfigurationError } from '../core/errors.js';

/**
 * Waits `ms`, rejecting with `signal.reason` if the signal aborts first.
 *
 * @example
 * const sleep: Sleep = async () => {}; // tests: never wait
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const defaultSleep: Sleep = (ms, signal) =>
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

/**
 * What a client needs from a limiter: a `RateLimiter` fits, and so does your own (one shared
 * through Redis by several processes, say).
 *
 * @example
 * const perAccount: RequestLimiter = new RateLimiter({ perSecond: 10 });
 */
export interface RequestLimiter {
  /** Resolves when one more request may start, with the function to call once it has finished. */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot>;
}

/**
 * Options of a {@link RateLimiter}.
 *
 * @example
 * const options: RateLimiterOptions = { perSecond: 10, marginMs: 30 };
 */
export interface RateLimiterOptions {
  /** Requests allowed in any window of `windowMs`. Eden documents 10 per second per account. */
  perSecond: number;
  /** Default 1000. */
  windowMs?: number;
  /** Added to the window to absorb network jitter. Default 30 ms (keeps ≥ 97 % of the limit). */
  marginMs?: number;
  /** Milliseconds clock. Default `performance.now`. */
  now?: () => number;
  sleep?: Sleep;
}

/**
 * Returned by `RateLimiter.acquire()`: call it once the request has finished (answered or failed),
 * so the slot is dated by its answer. Until then the slot stays taken.
 *
 * @example
 * const release: ReleaseSlot = await limiter.acquire();
 * try {
 *   await fetch(url);
 * } finally {
 *   release();
 * }
 */
export type ReleaseSlot = () => void;

interface Slot {
  start: number;
  /** When the server saw it at the latest; undefined while the request is in flight. */
  seen: number | undefined;
}

/**
 * Client-side pacing as a sliding window: a server that counts requests in any sliding window
 * never sees more than `perSecond`. A burst may use the whole budget at once (unlike a naive
 * one-request-every-100-ms interval).
 *
 * We cannot see when the server received a request, only that it was between our send and its
 * answer. A slot is therefore held while its request is in flight, then dated `answer − minRtt`
 * (the answer time less the fastest round trip seen: the part of this round trip that may have
 * been spent before reaching the server). Until enough round trips have been seen to know the
 * fastest one, a slot is dated at its answer: cold connections can take 100+ ms to arrive.
 *
 * Share one instance between every client of one Eden account (the limit is per account).
 *
 * @example
 * const limiter = new RateLimiter({ perSecond: 10 });
 * const tokens = new CustomTokenClient({ rateLimiter: limiter });
 * const costs = new CostClient({ rateLimiter: limiter });
 */
export class RateLimiter implements RequestLimiter {
  readonly perSecond: number;
  readonly #span: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #slots: Slot[] = [];
  /** Recent round trips (ms), to know the fastest one. */
  readonly #rtts: number[] = [];
  #completed = 0;
  #tail: Promise<void> = Promise.resolve();
  #released: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: RateLimiterOptions) {
    const { perSecond, windowMs = 1000, marginMs = 30 } = options;
    if (!Number.isInteger(perSecond) || perSecond < 1) {
      throw new ConfigurationError(`Rate limit must be a positive integer per second, got ${perSecond}`);
    }
    if (!(windowMs > 0) || !(marginMs >= 0)) {
      throw new ConfigurationError('Rate limiter windowMs must be > 0 and marginMs ≥ 0');
    }
    this.perSecond = perSecond;
    this.#span = windowMs + marginMs;
    this.#now = options.now ?? (() => performance.now());
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /**
   * Resolves when one more request may start, with the function to call once it has finished.
   * Rejects with `signal.reason` if aborted while waiting. Waiters are served in order.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    const turn = this.#tail.then(() => this.#take(signal));
    // A waiter that aborted must not block the ones behind it.
    this.#tail = turn.then(
      () => {},
      () => {},
    );
    return turn;
  }

  async #take(signal: AbortSignal | undefined): Promise<ReleaseSlot> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#now();
      let next = Number.POSITIVE_INFINITY;
      for (let i = this.#slots.length - 1; i >= 0; i--) {
        const seen = this.#slots[i]!.seen;
        if (seen === undefined) continue;
        if (seen + this.#span <= now) this.#slots.splice(i, 1);
        else next = Math.min(next, seen + this.#span);
      }
      if (this.#slots.length < this.perSecond) {
        const slot: Slot = { start: now, seen: undefined };
        this.#slots.push(slot);
        return () => this.#release(slot);
      }
      if (next === Number.POSITIVE_INFINITY) await this.#nextRelease(signal);
      else await this.#sleep(next - now, signal);
    }
  }

  #release(slot: Slot): void {
    if (slot.seen !== undefined) return;
    const now = this.#now();
    const rtt = Math.max(0, now - slot.start);
    this.#rtts.push(rtt);
    if (this.#rtts.length > 2 * this.perSecond) this.#rtts.shift();
    this.#completed++;
    const credit = this.#completed > this.perSecond ? Math.min(...this.#rtts) : 0;
    slot.seen = now - Math.min(credit, rtt);
    const wake = this.#wake;
    this.#released = undefined;
    this.#wake = undefined;
    wake?.();
  }

  /** Every slot is in flight: wait until one finishes. */
  #nextRelease(signal: AbortSignal | undefined): Promise<void> {
    this.#released ??= new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    if (!signal) return this.#released;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#released!.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}

// One limiter per Eden host and rate for the whole process, ESM and CJS copies of the SDK included:
// Eden counts requests per account across all its keys, so clients must not get 10/s each.
const SHARED = Symbol.for('edenai-token-manager.rate-limiters');

/** The process-wide limiter for `origin` at `perSecond`, created on first use. */
export function sharedRateLimiter(origin: string, perSecond: number): RateLimiter {
  const holder = globalThis as { [SHARED]?: Map<string, RateLimiter> };
  holder[SHARED] ??= new Map();
  const limiters = holder[SHARED];
  const key = `${origin} ${perSecond}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new RateLimiter({ perSecond });
    limiters.set(key, limiter);
  }
  return limiter;
}
