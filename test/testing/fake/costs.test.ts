import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { setup, tokenPath } from './helpers.js';

const TOKENS = '/user/custom_token/';
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options = {}) {
  const s = await setup('http', options);
  fake = s.fake;
  const costs = (query: string) => s.call('GET', `/cost_management/?${query}`);
  return { call: s.call, costs };
}

/** Usage on both sides of week, month and year boundaries. 2026-03-02 is a Monday. */
async function seed(call: Awaited<ReturnType<typeof start>>['call']) {
  await call('POST', TOKENS, { name: 'a' });
  await call('POST', TOKENS, { name: 'b' });
  const use = (token: string, date: string, cost: number, extra = {}) =>
    expect(fake!.simulateUsage({ token, date, cost, ...extra })).toEqual({ ok: true });
  use('a', '2025-12-31', 1);
  use('a', '2026-03-01', 0.1); // Sunday
  use('a', '2026-03-02', 0.2, { calls: 2 }); // Monday
  use('a', '2026-03-04', 0.3, { provider: 'anthropic' });
  use('a', '2026-03-04', 0.4, { feature: 'ocr__ocr', provider: 'google' });
  use('b', '2026-04-01', 2);
}

describe('GET /v2/cost_management/', () => {
  it('step 1: one entry per token, daily buckets, features with cost, calls and providers', async () => {
    const { call, costs } = await start();
    await seed(call);
    const res = await costs('begin=2026-03-01&end=2026-03-31&step=1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      response: [
        {
          token: 'a',
          data: {
            '2026-03-01': { text__chat: { total_cost: 0.1, details: 1, cost_per_provider: { openai: 0.1 } } },
            '2026-03-02': { text__chat: { total_cost: 0.2, details: 2, cost_per_provider: { openai: 0.2 } } },
            '2026-03-04': {
              ocr__ocr: { total_cost: 0.4, details: 1, cost_per_provider: { google: 0.4 } },
              text__chat: { total_cost: 0.3, details: 1, cost_per_provider: { anthropic: 0.3 } },
            },
          },
        },
      ],
    });
  });

  it('step 2: weekly buckets keyed by the Monday', async () => {
    const { call, costs } = await start();
    await seed(call);
    const res = await costs('begin=2026-03-01&end=2026-03-31&step=2&subfeature=chat');
    expect(Object.keys(res.body.response[0].data)).toEqual(['2026-02-23', '2026-03-02']);
    expect(res.body.response[0].data['2026-03-02'].text__chat).toEqual({
      total_cost: 0.5,
      details: 3,
      cost_per_provider: { openai: 0.2, anthropic: 0.3 },
    });
  });

  it('step 3: monthly buckets YYYY-MM-01; step 4: yearly YYYY-01-01', async () => {
    const { call, costs } = await start();
    await seed(call);
    const monthly = await costs('begin=2025-12-01&end=2026-04-30&step=3');
    expect(monthly.body.response.map((r: { token: string }) => r.token)).toEqual(['a', 'b']);
    expect(Object.keys(monthly.body.response[0].data)).toEqual(['2025-12-01', '2026-03-01']);
    expect(monthly.body.response[0].data['2026-03-01'].text__chat.total_cost).toBe(0.6);
    expect(Object.keys(monthly.body.response[1].data)).toEqual(['2026-04-01']);
    const yearly = await costs('begin=2025-06-01&end=2026-05-01&step=4&token=a');
    expect(Object.keys(yearly.body.response[0].data)).toEqual(['2025-01-01', '2026-01-01']);
    expect(yearly.body.response[0].data['2026-01-01'].text__chat.details).toBe(4);
  });

  it('begin and end are inclusive', async () => {
    const { call, costs } = await start();
    await seed(call);
    const res = await costs('begin=2026-03-02&end=2026-03-02&step=1');
    expect(Object.keys(res.body.response[0].data)).toEqual(['2026-03-02']);
  });

  it('filters by provider, subfeature and token name', async () => {
    const { call, costs } = await start();
    await seed(call);
    const google = await costs('begin=2026-03-01&end=2026-04-30&step=3&provider=google');
    expect(google.body.response).toEqual([
      {
        token: 'a',
        data: {
          '2026-03-01': { ocr__ocr: { total_cost: 0.4, details: 1, cost_per_provider: { google: 0.4 } } },
        },
      },
    ]);
    const ocr = await costs('begin=2026-03-01&end=2026-04-30&step=3&subfeature=ocr');
    expect(Object.keys(ocr.body.response[0].data['2026-03-01'])).toEqual(['ocr__ocr']);
    const b = await costs('begin=2025-06-01&end=2026-04-30&step=3&token=b');
    expect(b.body.response.map((r: { token: string }) => r.token)).toEqual(['b']);
  });

  it('the token filter matches by name: a name reused after deletion includes the old history', async () => {
    const { call, costs } = await start();
    await call('POST', TOKENS, { name: 'prod-app' });
    fake!.simulateUsage({ token: 'prod-app', cost: 1, date: '2026-03-01' });
    await call('DELETE', tokenPath('prod-app'));
    const kept = await costs('begin=2026-03-01&end=2026-03-31&step=3&token=prod-app');
    expect(kept.body.response[0].data['2026-03-01'].text__chat.total_cost).toBe(1);
    await call('POST', TOKENS, { name: 'prod-app' });
    fake!.simulateUsage({ token: 'prod-app', cost: 2, date: '2026-03-10' });
    const merged = await costs('begin=2026-03-01&end=2026-03-31&step=3&token=prod-app');
    expect(merged.body.response[0].data['2026-03-01'].text__chat).toMatchObject({
      total_cost: 3,
      details: 2,
    });
  });

  it('answers 404 {"details":"Not Found"} when nothing matches', async () => {
    const { call, costs } = await start();
    await seed(call);
    for (const q of [
      'begin=2020-01-01&end=2020-01-31&step=1',
      'begin=2026-03-01&end=2026-03-31&step=1&token=zzz',
    ]) {
      const res = await costs(q);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ details: 'Not Found' });
    }
  });

  it.each([
    ['end=2026-01-01&step=1', { begin: ['This field is required.'] }],
    ['begin=2026-01-01&step=1', { end: ['This field is required.'] }],
    ['begin=2026-01-01&end=2026-01-02', { step: ['This field is required.'] }],
    [
      'begin=2026-1-1&end=2026-01-02&step=1',
      { begin: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
    ],
    ['begin=2026-01-01&end=2026-01-02&step=5', { step: ['Ensure this value is less than or equal to 4.'] }],
    [
      'begin=2026-01-01&end=2026-01-02&step=0',
      { step: ['Ensure this value is greater than or equal to 1.'] },
    ],
    ['begin=2026-01-01&end=2026-01-02&step=x', { step: ['A valid integer is required.'] }],
    ['begin=2026-01-02&end=2026-01-01&step=1', { end: ['Ensure this date is on or after begin.'] }],
    ['begin=2025-01-01&end=2026-01-02&step=1', { end: ['The date range cannot exceed 366 days.'] }],
    ['begin=2026-01-01&end=2026-01-02&step=1&colour=red', { colour: ['Unknown query parameter.'] }],
  ])('%s → 400 field error', async (query, message) => {
    const { costs } = await start();
    const res = await costs(query);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { type: 'validation_error', message } });
  });

  it('maxCostRangeDays sets the longest range (inclusive day count)', async () => {
    const { call, costs } = await start({ maxCostRangeDays: 7 });
    await seed(call);
    expect((await costs('begin=2026-03-01&end=2026-03-07&step=1')).status).toBe(200);
    expect((await costs('begin=2026-03-01&end=2026-03-08&step=1')).status).toBe(400);
  });
});

describe('GET /v2/cost_management/credits/', () => {
  it('returns {credits: number}, default 100, or the configured amount', async () => {
    const { call } = await start();
    expect((await call('GET', '/cost_management/credits/')).body).toEqual({ credits: 100 });
    await fake!.close();
    const other = await start({ credits: 42.5 });
    expect((await other.call('GET', '/cost_management/credits/')).body).toEqual({ credits: 42.5 });
  });
});
