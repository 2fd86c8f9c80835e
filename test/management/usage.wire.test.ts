// v3 usage on the wire (nock): inclusive SDK ranges become Eden's exclusive `end`, ranges longer
// than 366 days are split, per-key usage names its key, and the records match v2's flat shape.

import { InvalidInputError } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { api, client, ID, useNock, wireKey } from './helpers.js';

useNock();

const usage = (token: string | undefined, date: string, cost = 1.5) => ({
  usage: [
    {
      ...(token === undefined ? {} : { token }),
      data: { [date]: { text__chat: { total_cost: cost, details: 3, cost_per_provider: { openai: cost } } } },
    },
  ],
});

describe('usage', () => {
  it('sends end + 1 day (v3 end is exclusive) and returns v2-shaped flat records', async () => {
    api()
      .get('/v3/manage/usage/')
      .query({ begin: '2026-01-01', end: '2026-02-01', step: '1', token: 'prod-web-app' })
      .reply(200, usage('prod-web-app', '2026-01-31'));
    const records = await client().usage({ begin: '2026-01-01', end: '2026-01-31', token: 'prod-web-app' });
    expect(records).toEqual([
      {
        token: 'prod-web-app',
        date: '2026-01-31',
        feature: 'text__chat',
        totalCost: 1.5,
        calls: 3,
        costPerProvider: { openai: 1.5 },
      },
    ]);
  });

  it('a one-day range is begin..begin+1; a Date stands for its UTC day; month/year ends roll over', async () => {
    api()
      .get('/v3/manage/usage/')
      .query({ begin: '2024-12-31', end: '2025-01-01', step: '3' })
      .reply(200, { usage: [] });
    expect(
      await client().usage({ begin: new Date('2024-12-31T23:59:00Z'), end: '2024-12-31', step: 3 }),
    ).toEqual([]);
  });

  it('splits a range longer than 366 days into windows that neither overlap nor leave gaps', async () => {
    const windows: string[] = [];
    api()
      .get('/v3/manage/usage/')
      .query((q) => {
        windows.push(`${q['begin']}..${q['end']}`);
        return true;
      })
      .times(3)
      .reply(200, (uri) => usage('k', new URL(uri, 'http://x').searchParams.get('begin')!));
    const records = await client().usage({ begin: '2023-01-01', end: '2025-01-05', step: 1 });
    // 2023-01-01 + 366 days = 2024-01-02 (exclusive) — the next window starts there.
    expect(windows).toEqual(['2023-01-01..2024-01-02', '2024-01-02..2025-01-02', '2025-01-02..2025-01-06']);
    expect(records.map((r) => r.date)).toEqual(['2023-01-01', '2024-01-02', '2025-01-02']);
  });

  it('exactly 366 days is one request', async () => {
    api()
      .get('/v3/manage/usage/')
      .query({ begin: '2024-01-01', end: '2025-01-01', step: '1' })
      .reply(200, { usage: [] });
    expect(await client().usage({ begin: '2024-01-01', end: '2024-12-31' })).toEqual([]);
  });

  it('keyId reads /manage/keys/{id}/usage/ and names rows that do not name their key', async () => {
    api()
      .get(`/v3/manage/keys/${ID}/usage/`)
      .query({ begin: '2026-03-01', end: '2026-03-08', step: '1', provider: 'openai' })
      .reply(200, usage(undefined, '2026-03-02'));
    api().get(`/v3/manage/keys/${ID}/`).reply(200, wireKey());
    const records = await client().usage({
      begin: '2026-03-01',
      end: '2026-03-07',
      keyId: ID,
      provider: 'openai',
    });
    expect(records.map((r) => [r.token, r.date])).toEqual([['prod-web-app', '2026-03-02']]);
  });

  it("tolerates v2's `response` field and v2's 404 for no data", async () => {
    api()
      .get('/v3/manage/usage/')
      .query(true)
      .reply(200, { response: usage('a', '2026-01-01').usage });
    expect((await client().usage({ begin: '2026-01-01', end: '2026-01-01' }))[0]?.token).toBe('a');
    api().get('/v3/manage/usage/').query(true).reply(404, { details: 'Not Found' });
    expect(await client().usage({ begin: '2026-01-01', end: '2026-01-01' })).toEqual([]);
  });

  it('bad queries are refused before any request', async () => {
    const c = client();
    await expect(c.usage({ begin: '2026-01-02', end: '2026-01-01' })).rejects.toMatchObject({
      field: 'begin',
    });
    await expect(c.usage({ begin: '2026-02-30', end: '2026-03-01' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(c.usage({ begin: '2026-01-01', end: '2026-01-02', step: 5 as 1 })).rejects.toMatchObject({
      field: 'step',
    });
    await expect(
      c.usage({ begin: '2026-01-01', end: '2026-01-02', billing: 'mine' as 'all' }),
    ).rejects.toMatchObject({ field: 'billing' });
    await expect(c.usage({ begin: '2026-01-01', end: '2026-01-02', keyId: 'a/b' })).rejects.toMatchObject({
      field: 'id',
    });
  });
});
