// Client-side pacing on a virtual clock: sleeping advances time, so nothing waits for real.
import { describe, expect, it } from 'vitest';
import { CostClient, CustomTokenClient, RateLimiter } from '../../src/client/index.js';

function virtualClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** The most requests a server saw in any window of `windowMs` ending at an arrival. */
function maxInAnyWindow(arrivals: number[], windowMs = 1000): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('RateLimiter', () => {
  it('lets a burst of `perSecond` through at once, then paces', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ perSecond: 10, now: clock.now, sleep: clock.sleep });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 12 }, () => limiter.acquire().then(() => starts.push(clock.now()))));
    expect(starts.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(starts.slice(10)).toEqual([1030, 1030]);
  });

  it('reaches ≥ 0.95 of the limit and never puts 11 requests in any server window, even with jitter', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ perSecond: 10, now: clock.now, sleep: clock.sleep });
    const arrivals: number[] = [];
    let seed = 7;
    const jitter = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed / 2147483647) * 25; // 0–25 ms between our send and the server's clock
    };
    const n = 300;
    await Promise.all(Array.from({ length: n }, () => limiter.acquire().then(() => arrivals.push(clock.now() + jitter()))));
    expect(maxInAnyWindow(arrivals)).toBeLessThanOrEqual(10);
    // n requests took (last - first) ms plus the final window: the sustained rate.
    const rate = n / ((Math.max(...arrivals) - Math.min(...arrivals) + 1000) / 1000);
    expect(rate).toBeGreaterThanOrEqual(9.5);
  });

  it('a naive 1-per-100ms interval would be slower to start; the window allows the burst', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ perSecond: 5, windowMs: 1000, marginMs: 0, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(clock.now()).toBe(0);
    await limiter.acquire();
    expect(clock.now()).toBe(1000);
  });

  it('a waiter that aborts rejects with the reason and does not block the others', async () => {
    const clock = virtualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const limiter = new RateLimiter({
      perSecond: 1,
      now: clock.now,
      sleep: async (ms, signal) => {
        await gate;
        await clock.sleep(ms, signal);
      },
    });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    release();
    await expect(aborted).rejects.toThrow('stop');
    await expect(next).resolves.toBeUndefined();
  });

  it('one limiter shared by two clients paces their requests together', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ perSecond: 4, now: clock.now, sleep: clock.sleep });
    let sent = 0;
    const fetch = (async (input: Request) => {
      sent++;
      return new Response(input.url.includes('credits') ? '{"credits":1}' : '[]');
    }) as unknown as typeof globalThis.fetch;
    const options = { apiKey: 'key-12345678', fetch, rateLimiter: limiter };
    const tokens = new CustomTokenClient(options);
    const costs = new CostClient(options);
    await Promise.all([
      ...Array.from({ length: 3 }, () => tokens.list()),
      ...Array.from({ length: 3 }, () => costs.credits()),
    ]);
    // 6 requests against one budget of 4: exactly one wait (separate limiters would never wait).
    expect(sent).toBe(6);
    expect(clock.sleeps).toEqual([1030]);
  });

  it('maxRequestsPerSecond builds a private limiter (retries count against it too)', async () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return calls === 1 ? new Response('busy', { status: 503 }) : new Response('[]');
    }) as unknown as typeof globalThis.fetch;
    const client = new CustomTokenClient({ apiKey: 'key-12345678', fetch, maxRequestsPerSecond: 10, sleep: async () => {} });
    await expect(client.list()).resolves.toEqual([]);
    expect(calls).toBe(2);
  });
});
