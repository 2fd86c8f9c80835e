import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, setup } from './helpers.js';

const TOKENS = '/user/custom_token/';
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('rateLimit option (sliding 1000 ms window)', () => {
  it('on the injected clock: more than N in any 1000 ms → 429 with Retry-After; rejected ones do not count', async () => {
    const time = manualClock('2026-01-01T00:00:00.000Z');
    const s = await setup('in-process', { clock: time.clock, rateLimit: { perSecond: 3 } });
    fake = s.fake;
    const status = async () => (await s.call('GET', TOKENS)).status;
    expect(await status()).toBe(200); // t=0
    time.advance(400);
    expect(await status()).toBe(200); // t=400
    expect(await status()).toBe(200); // t=400
    const limited = await s.call('GET', TOKENS);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toEqual({ detail: 'Request was throttled. Expected available in 1 second.' });
    time.advance(599); // t=999: the t=0 request is still in the window
    expect(await status()).toBe(429);
    time.advance(1); // t=1000: it left
    expect(await status()).toBe(200);
    expect(await status()).toBe(429); // 400, 400, 1000 fill the window
    time.advance(400); // t=1400
    expect(await status()).toBe(200);
    expect(await status()).toBe(200);
    expect(await status()).toBe(429);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(4);
  });

  it('applies to every endpoint, also unauthenticated requests', async () => {
    const time = manualClock('2026-01-01T00:00:00.000Z');
    const s = await setup('http', { clock: time.clock, rateLimit: { perSecond: 1 } });
    fake = s.fake;
    expect((await s.call('GET', '/cost_management/credits/')).status).toBe(200);
    expect(
      (await s.call('GET', TOKENS, undefined, { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(429);
  });

  it('on real time by default: a burst above the limit gets 429', async () => {
    const s = await setup('in-process', { rateLimit: { perSecond: 2 } });
    fake = s.fake;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await s.call('GET', TOKENS)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
