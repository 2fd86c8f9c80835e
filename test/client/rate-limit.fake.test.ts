// Client pacing against the fake's 10/s sliding-window limit: zero 429s, ≥ 0.95 of the limit.
import { expect, it } from 'vitest';
import { CustomTokenClient, RateLimiter } from '../../src/client/index.js';
import { createFakeEdenAI } from '../../src/testing/fake/index.js';

it('on one virtual clock shared by the fake and the limiter: 100 requests, no 429, ≥ 9.5/s', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const fake = await createFakeEdenAI({ listen: false, rateLimit: { perSecond: 10 }, clock: () => new Date(now) });
  try {
    const limiter = new RateLimiter({
      perSecond: 10,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    // maxRetries 0: a single 429 would fail the run.
    const client = new CustomTokenClient({ ...fake.clientOptions, rateLimiter: limiter, maxRetries: 0 });
    const start = now;
    await Promise.all(Array.from({ length: 100 }, () => client.list()));
    const statuses = fake.requests.map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect(statuses).toHaveLength(100);
    const rate = 100 / ((now - start + 1000) / 1000);
    expect(rate).toBeGreaterThanOrEqual(9.5);
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
    // 10 at once, 10 after one window, 5 after two: just over 2 s; a 100 ms interval would need 2.4 s.
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(2400);
  } finally {
    await fake.close();
  }
});

it('without client pacing the same burst does hit the limit (the test can fail)', async () => {
  const fake = await createFakeEdenAI({ listen: false, rateLimit: { perSecond: 10 } });
  try {
    const client = new CustomTokenClient({ ...fake.clientOptions, maxRetries: 0 });
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => client.list()));
    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
  } finally {
    await fake.close();
  }
});
