// "More than N requests in any 1000 ms" → 429. A ring of the last N accepted request times: a new
// request fits when the oldest of them left the window. O(1) per request.

const WINDOW_MS = 1000;

export class SlidingWindowLimiter {
  private readonly times: number[];
  private next = 0;
  private count = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.times = new Array<number>(perSecond).fill(0);
  }

  /** Takes a slot, or returns the seconds to wait (for Retry-After). */
  acquire(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    if (this.count === this.perSecond) {
      const oldest = this.times[this.next]!;
      const wait = oldest + WINDOW_MS - now;
      if (wait > 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / WINDOW_MS)) };
    } else this.count++;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.perSecond;
    return { ok: true };
  }
}
