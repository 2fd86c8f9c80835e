// Client pacing against the fake's 10/s sliding-window limit: zero 429s, ≥ 0.95 of the limit.

import { CustomTokenClient, ManagementKeyClient, RateLimiter } from 'edenai-token-manager';
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

it('paced by default: over real loopback HTTP, a burst of 25 with default options gets no 429', async () => {
  const fake = await createFakeEdenAI({ rateLimit: { perSecond: 10 } });
  try {
    // The fake enforces a limit, so its clientOptions leave the default pacing on.
    expect(fake.clientOptions).not.toHaveProperty('maxRequestsPerSecond');
    const client = new CustomTokenClient({ ...fake.clientOptions, maxRetries: 0 });
    await Promise.all(Array.from({ length: 25 }, () => client.list()));
    expect(fake.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(fake.requests).toHaveLength(25);
  } finally {
    await fake.close();
  }
});

it('v2 and v3 clients of one host share the default limiter: together they stay under 10/s', async () => {
  const fake = await createFakeEdenAI({ rateLimit: { perSecond: 10 } });
  try {
    const v2 = new CustomTokenClient({ ...fake.clientOptions, maxRetries: 0 });
    const v3 = new ManagementKeyClient({ ...fake.managementClientOptions, maxRetries: 0 });
    await Promise.all([
      ...Array.from({ length: 12 }, () => v2.list()),
      ...Array.from({ length: 12 }, () => v3.list().toArray()),
    ]);
    expect(fake.requests.filter((r) => r.status === 429)).toEqual([]);
  } finally {
    await fake.close();
  }
});

it('without client pacing the same burst does hit the limit (so the tests above can fail)', async () => {
  const fake = await createFakeEdenAI({ listen: false, rateLimit: { perSecond: 10 } });
  try {
    const client = new CustomTokenClient({
      ...fake.clientOptions,
      maxRequestsPerSecond: false,
      maxRetries: 0,
    });
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => client.list()));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(15);
  } finally {
    await fake.close();
  }
});
