import { it } from 'vitest';
import { CustomTokenClient, RateLimiter } from '../../src/client/index.js';
import { createFakeEdenAI } from '../../src/testing/fake/index.js';
it('timing', async () => {
  const fake = await createFakeEdenAI({ rateLimit: { perSecond: 10 } });
  const t0 = Date.now();
  const sends: number[] = [];
  const limiter = new RateLimiter({ perSecond: 10 });
  const orig = limiter.acquire.bind(limiter);
  limiter.acquire = async (s) => { await orig(s); sends.push(Date.now() - t0); };
  const client = new CustomTokenClient({ ...fake.clientOptions, rateLimiter: limiter, maxRetries: 0 });
  await Promise.allSettled(Array.from({ length: 25 }, () => client.list()));
  console.log('sends', sends.join(' '));
  console.log('arrivals', fake.requests.map((r) => `${r.at.getTime() - t0}:${r.status}`).join(' '));
  await fake.close();
});
