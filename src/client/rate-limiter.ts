import { ConfigurationError } from '../core/errors.js';
import { defaultSleep, type Sleep } from './retry.js';

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
  /**
   * Added to the window so that jitter between our send time and the server's arrival time never
   * puts N+1 requests into one server-side window. Default 30 ms (keeps ≥ 97 % of the limit).
   */
  marginMs?: number;
  /** Milliseconds clock. Default `performance.now`. */
  now?: () => number;
  sleep?: Sleep;
}

/**
 * Client-side pacing as a sliding window: at most `perSecond` requests start in any
 * `windowMs + marginMs`. Unlike a fixed interval (1 request every 100 ms), a burst may use the
 * whole budget at once, and a server that counts requests in any sliding window never sees more
 * than the limit. Waiters are served first come, first served.
 *
 * Share one instance between every client of one Eden account (the limit is per account).
 *
 * @example
 * const limiter = new RateLimiter({ perSecond: 10 });
 * const tokens = new CustomTokenClient({ rateLimiter: limiter });
 * const costs = new CostClient({ rateLimiter: limiter });
 */
export class RateLimiter {
  readonly perSecond: number;
  readonly #span: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  /** Start times of the requests still inside the window, oldest first (at most `perSecond`). */
  readonly #starts: number[] = [];
  #tail: Promise<void> = Promise.resolve();

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

  /** Resolves when one more request may start; rejects with `signal.reason` if aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#take(signal));
    // A waiter that aborted must not block the ones behind it.
    this.#tail = turn.catch(() => {});
    return turn;
  }

  async #take(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#now();
      while (this.#starts.length > 0 && this.#starts[0]! + this.#span <= now) this.#starts.shift();
      if (this.#starts.length < this.perSecond) {
        this.#starts.push(now);
        return;
      }
      await this.#sleep(this.#starts[0]! + this.#span - now, signal);
    }
  }
}
