// Client pacing against the fake's 10/s sliding-window limit: zero 429s, ≥ 0.95 of the limit.

import { CustomTokenClient, RateLimiter } from 'edenai-token-manager';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { expect, it } from 'vitest';
import { simulation } from './helpers.js';

it('on one simulated clock shared by the fake and the limiter: 100 requests, no 429, ≥ 9.5/s', async () => {
  const sim = simulation();
  const epoch = Date.parse('2026-01-01T00:00:00Z');
  const fake = await createFakeEdenAI({
    listen: false,
    rateLimit: { perSecond: 10 },
    clock: () => new Date(epoch + sim.now()),
  });
  try {
    const limiter = new RateLimiter({ perSecond: 10, now: sim.now, sleep: sim.sleep });
    // maxRetries 0: a single 429 would fail the run.
    const client = new CustomTokenClient({ ...fake.clientOptions, rateLimiter: limiter, maxRetries: 0 });
    await sim.run(Promise.all(Array.from({ length: 100 }, () => client.list())));
    const times = fake.requests.map((r) => r.at.getTime() - epoch);
    expect(fake.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(times).toHaveLength(100);
    expect(100 / ((Math.max(...times) - Math.min(...times) + 1000) / 1000)).toBeGreaterThanOrEqual(9.5);
  } finally {
    await fake.close();
  }
});

it('over real loopback HTTP: a burst of 25 at maxRequestsPerSecond 10 gets no 429', async () => {
  const fake = await createFakeEdenAI({ rateLimit: { perSecond: 10 } });
  try {
    const client = new CustomTokenClient({ ...fake.clientOptions, maxRequestsPerSecond: 10, maxRetries: 0 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 25 }, () => client.list()));
    const elapsed = performance.now() - started;
    expect(fake.requests.filter((r) => r.status === 429)).toEqual([]);
    // 10 at once, 10 one window later, 5 two windows later: just over 2 s (the simulated test above
    // measures the rate precisely; here, a loaded machine may add some slack).
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(3500);
  } finally {
    await fake.close();
  }
});

it('without client pacing the same burst does hit the limit (so the tests above can fail)', async () => {
  const fake = await createFakeEdenAI({ listen: false, rateLimit: { perSecond: 10 } });
  try {
    const client = new CustomTokenClient({ ...fake.clientOptions, maxRetries: 0 });
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => client.list()));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(15);
  } finally {
    await fake.close();
  }
});
