// Client-side pacing on virtual time: sleeping advances a simulated clock, nothing waits for real.

import { CostClient, CustomTokenClient, RateLimiter } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { maxInAnyWindow, simulation } from './helpers.js';

describe('RateLimiter', () => {
  it('lets a burst of `perSecond` through at once, then paces', async () => {
    const sim = simulation();
    const limiter = new RateLimiter({ perSecond: 10, now: sim.now, sleep: sim.sleep });
    const starts: number[] = [];
    const one = async () => {
      const release = await limiter.acquire();
      starts.push(sim.now());
      release();
    };
    await sim.run(Promise.all(Array.from({ length: 12 }, one)));
    expect(starts).toEqual([...Array(10).fill(0), 1030, 1030]);
  });

  it('≥ 0.95 of the limit and never 11 arrivals in any server window, with cold starts and jitter', async () => {
    const sim = simulation();
    const limiter = new RateLimiter({ perSecond: 10, now: sim.now, sleep: sim.sleep });
    const arrivals: number[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    let sent = 0;
    const request = async () => {
      const release = await limiter.acquire();
      // The first burst opens connections: 60–200 ms before the server sees it (as measured on
      // loopback); later ones 0–20 ms. The answer comes back 1–6 ms after arrival.
      const forward = sent++ < 10 ? 60 + random() * 140 : random() * 20;
      arrivals.push(sim.now() + forward);
      await sim.sleep(forward + 1 + random() * 5);
      release();
    };
    const n = 300;
    await sim.run(Promise.all(Array.from({ length: n }, request)));
    expect(maxInAnyWindow(arrivals)).toBeLessThanOrEqual(10);
    const rate = n / ((Math.max(...arrivals) - Math.min(...arrivals) + 1000) / 1000);
    expect(rate).toBeGreaterThanOrEqual(9.5);
  });

  it('with a remote server (~150 ms round trips) still reaches ≥ 0.95 of the limit, no excess', async () => {
    const sim = simulation();
    const limiter = new RateLimiter({ perSecond: 10, now: sim.now, sleep: sim.sleep });
    const arrivals: number[] = [];
    let seed = 11;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const request = async () => {
      const release = await limiter.acquire();
      const forward = 70 + random() * 10;
      arrivals.push(sim.now() + forward);
      await sim.sleep(forward + 70 + random() * 10);
      release();
    };
    const n = 300;
    await sim.run(Promise.all(Array.from({ length: n }, request)));
    expect(maxInAnyWindow(arrivals)).toBeLessThanOrEqual(10);
    // Dating slots at their answer alone would give 10 / 1.18 s ≈ 8.5/s here.
    expect(n / ((Math.max(...arrivals) - Math.min(...arrivals) + 1000) / 1000)).toBeGreaterThanOrEqual(9.5);
  });

  it('a request still in flight keeps its slot however long it takes', async () => {
    const sim = simulation();
    const limiter = new RateLimiter({ perSecond: 1, now: sim.now, sleep: sim.sleep });
    const slow = await limiter.acquire();
    let second = false;
    const next = limiter.acquire().then((release) => {
      second = true;
      return release;
    });
    await sim.run(sim.sleep(5000));
    expect(second).toBe(false);
    slow();
    const release = await sim.run(next);
    // Dated at its answer (t = 5000): the next one may start 1030 ms later.
    expect(sim.now()).toBe(6030);
    release();
  });

  it('the window allows the burst that a fixed interval would spread out', async () => {
    const sim = simulation();
    const limiter = new RateLimiter({ perSecond: 5, marginMs: 0, now: sim.now, sleep: sim.sleep });
    for (let i = 0; i < 5; i++) (await limiter.acquire())();
    expect(sim.now()).toBe(0);
    await sim.run(limiter.acquire().then((release) => release()));
    expect(sim.now()).toBe(1000);
  });

  it('a waiter that aborts rejects with the reason and does not block the others', async () => {
    const sim = simulation();
    const limiter = new RateLimiter({ perSecond: 1, now: sim.now, sleep: sim.sleep });
    const first = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    first();
    await expect(sim.run(next)).resolves.toBeTypeOf('function');
  });

  it('one limiter shared by two clients paces their requests together', async () => {
    const sim = simulation();
    const limiter = new RateLimiter({ perSecond: 4, now: sim.now, sleep: sim.sleep });
    let sent = 0;
    const fetch: typeof globalThis.fetch = async (input) => {
      sent++;
      const url = input instanceof Request ? input.url : String(input);
      return new Response(url.includes('credits') ? '{"credits":1}' : '[]');
    };
    const options = { apiKey: 'key-12345678', fetch, rateLimiter: limiter };
    const tokens = new CustomTokenClient(options);
    const costs = new CostClient(options);
    await sim.run(
      Promise.all([
        ...Array.from({ length: 3 }, () => tokens.list()),
        ...Array.from({ length: 3 }, () => costs.credits()),
      ]),
    );
    // 6 requests against one budget of 4: one wait (two separate limiters would never wait).
    expect(sent).toBe(6);
    expect(sim.sleeps).toEqual([1030]);
  });

  it('maxRequestsPerSecond builds a private limiter (retries count against it too)', async () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return calls === 1 ? new Response('busy', { status: 503 }) : new Response('[]');
    }) as unknown as typeof globalThis.fetch;
    const client = new CustomTokenClient({
      apiKey: 'key-12345678',
      fetch,
      maxRequestsPerSecond: 10,
      retryDelay: () => 0,
    });
    await expect(client.list()).resolves.toEqual([]);
    expect(calls).toBe(2);
  });
});
