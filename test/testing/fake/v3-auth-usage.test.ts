// The fake's v3 Management API: management-key auth, whoami, usage (exclusive end, 366 days),
// and the same faults and rate limiting as v2.
import { inspect } from 'node:util';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Answer, manualClock, request } from './helpers.js';

let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options = {}) {
  fake = await createFakeEdenAI({ listen: false, ...options });
  const f = fake;
  const v3 = (method: string, path: string, body?: unknown, bearer = f.managementKey): Promise<Answer> =>
    request(f.fetch, { ...f, baseUrl: f.v3BaseUrl } as FakeEdenAI, method, path, body, {
      headers: { authorization: `Bearer ${bearer}` },
    });
  return { fake: f, v3 };
}

describe('management-key auth', () => {
  it('accepts the management key; the v2 key or an inference key gets "This endpoint needs a management key"', async () => {
    const { fake, v3 } = await start();
    expect(fake.managementKey).toMatch(/^mgmt-eden-/);
    expect(fake.v3BaseUrl).toBe('http://fake-edenai.local/v3');
    expect(fake.managementClientOptions).toEqual({
      apiKey: fake.managementKey,
      baseUrl: fake.v3BaseUrl,
      fetch: fake.fetch,
      maxRequestsPerSecond: false,
    });
    expect((await v3('GET', '/manage/keys/')).status).toBe(200);
    const created = (await v3('POST', '/manage/keys/', { name: 'a' })).body;
    for (const bearer of [fake.apiKey, created.secret, 'sk-eden-anything']) {
      const res = await v3('GET', '/manage/keys/', undefined, bearer);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'This endpoint needs a management key' });
    }
    const wrong = await v3('POST', '/manage/keys/', { name: 'b' }, 'mgmt-eden-wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ detail: 'Invalid authentication credentials' });
    expect(fake.keys().map((k) => k.name)).toEqual(['a']);
  });

  it('the management key opens no v2 endpoint', async () => {
    const { fake } = await start();
    const res = await fake.fetch(`${fake.baseUrl}/user/custom_token/`, {
      headers: { authorization: `Bearer ${fake.managementKey}` },
    });
    expect(res.status).toBe(401);
  });

  it('takes a custom management key, which must differ from the API key', async () => {
    const { v3 } = await start({ managementKey: 'mgmt-eden-mine' });
    expect((await v3('GET', '/manage/whoami/', undefined, 'mgmt-eden-mine')).status).toBe(200);
    await expect(createFakeEdenAI({ listen: false, apiKey: 'same', managementKey: 'same' })).rejects.toThrow(
      /managementKey/,
    );
    await expect(createFakeEdenAI({ listen: false, managementKey: '' })).rejects.toThrow(/managementKey/);
  });

  it('whoami names the organization and scopes, and shows no key', async () => {
    const { fake, v3 } = await start();
    const res = await v3('GET', '/manage/whoami/');
    expect(res.body).toEqual({
      organization: { id: expect.any(String), name: 'Fake Eden AI organization' },
      key: { id: null, name: 'fake-management-key', masked: expect.stringMatching(/^mgmt-eden-…/) },
      scopes: ['manage:read', 'manage:write'],
      expire_time: null,
    });
    expect(res.text).not.toContain(fake.managementKey);
  });

  it('keeps the management key out of serialisation, inspection and the request log', async () => {
    const { fake, v3 } = await start({ managementKey: 'mgmt-eden-very-secret-key-77' });
    await v3('GET', '/manage/keys/');
    for (const text of [JSON.stringify(fake), inspect(fake), JSON.stringify(fake.requests)]) {
      expect(text).not.toContain('mgmt-eden-very-secret-key-77');
    }
    expect(JSON.stringify(fake)).toContain('/v3');
  });
});

describe('usage', () => {
  const seed = async (clockStart = '2026-03-10T12:00:00Z') => {
    const clock = manualClock(clockStart);
    const s = await start({ clock: clock.clock });
    const a = (await s.v3('POST', '/manage/keys/', { name: 'a', balance: '100', active_balance: true })).body;
    await s.v3('POST', '/manage/keys/', { name: 'b' });
    for (const [token, date, cost] of [
      ['a', '2026-03-01', 1],
      ['a', '2026-03-02', 2],
      ['b', '2026-03-02', 4],
      ['a', '2026-03-09', 8],
    ] as const) {
      expect(s.fake.simulateUsage({ token, date, cost })).toEqual({ ok: true });
    }
    return { ...s, a };
  };
  const total = (res: Answer) => {
    let sum = 0;
    for (const row of res.body.usage)
      for (const day of Object.values(row.data) as Record<string, { total_cost: number }>[])
        for (const d of Object.values(day)) sum += d.total_cost;
    return sum;
  };

  it('end is exclusive and the answer is {"usage": [...]}', async () => {
    const { v3 } = await seed();
    const res = await v3('GET', '/manage/usage/?begin=2026-03-01&end=2026-03-02&step=1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      usage: [
        {
          token: 'a',
          data: {
            '2026-03-01': { text__chat: { total_cost: 1, details: 1, cost_per_provider: { openai: 1 } } },
          },
        },
      ],
    });
    expect(total(await v3('GET', '/manage/usage/?begin=2026-03-01&end=2026-03-03&step=1'))).toBe(7);
  });

  it('defaults to the last 7 days; an empty match is an empty list, not a 404', async () => {
    const { v3 } = await seed();
    // Today is 2026-03-10: the window is 03-04 .. 03-10.
    expect(total(await v3('GET', '/manage/usage/?step=1'))).toBe(8);
    const none = await v3('GET', '/manage/usage/?begin=2025-01-01&end=2025-01-02&step=1');
    expect(none).toMatchObject({ status: 200, body: { usage: [] } });
  });

  it('allows 366 days, refuses 367, an empty range and unknown parameters', async () => {
    const { v3 } = await seed();
    expect((await v3('GET', '/manage/usage/?begin=2025-03-09&end=2026-03-10&step=1')).status).toBe(200);
    const long = await v3('GET', '/manage/usage/?begin=2025-03-08&end=2026-03-10&step=1');
    expect(long.status).toBe(400);
    expect(long.body.error.message).toEqual({ end: ['The date range cannot exceed 366 days.'] });
    const empty = await v3('GET', '/manage/usage/?begin=2026-03-02&end=2026-03-02&step=1');
    expect(empty.body.error.message.end).toHaveLength(1);
    const odd = await v3('GET', '/manage/usage/?begin=2026-03-01&end=2026-03-02&step=9&color=red&billing=x');
    expect(Object.keys(odd.body.error.message).sort()).toEqual(['billing', 'color', 'step']);
  });

  it('filters by token name or key_id, and serves one key by identity', async () => {
    const { v3, a } = await seed();
    const range = 'begin=2026-03-01&end=2026-03-10&step=1';
    expect(total(await v3('GET', `/manage/usage/?${range}&token=b`))).toBe(4);
    expect(total(await v3('GET', `/manage/usage/?${range}&key_id=${a.id}`))).toBe(11);
    expect((await v3('GET', `/manage/usage/?${range}&key_id=nope`)).status).toBe(400);
    const own = await v3('GET', `/manage/keys/${a.id}/usage/?${range}`);
    expect(own.body.usage.map((r: { token: string }) => r.token)).toEqual(['a']);
    expect(total(own)).toBe(11);
    expect((await v3('GET', `/manage/keys/${a.id}/usage/?${range}&token=b`)).status).toBe(400);
    // A revoked key keeps its history.
    await v3('DELETE', `/manage/keys/${a.id}/`);
    expect(total(await v3('GET', `/manage/keys/${a.id}/usage/?${range}`))).toBe(11);
  });
});

describe('faults and rate limiting', () => {
  it('faults match v3 paths (with or without the /v3 prefix) and a lost response still applies', async () => {
    const { fake, v3 } = await start();
    fake.inject({ kind: 'status', status: 503, match: { method: 'GET', path: '/manage/keys/' } });
    expect((await v3('GET', '/manage/keys/')).status).toBe(503);
    fake.inject({ kind: 'lostResponse', match: { method: 'POST', path: '/v3/manage/keys/' } });
    await expect(v3('POST', '/manage/keys/', { name: 'lost' })).rejects.toThrow('fetch failed');
    expect(fake.keys().map((k) => k.name)).toEqual(['lost']);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v3/manage/keys/', status: 0 });
  });

  it('v2 and v3 share one rate limit', async () => {
    const clock = manualClock('2026-01-01T00:00:00Z');
    const { fake, v3 } = await start({ clock: clock.clock, rateLimit: { perSecond: 2 } });
    const v2 = await fake.fetch(`${fake.baseUrl}/user/custom_token/`, {
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(v2.status).toBe(200);
    expect((await v3('GET', '/manage/keys/')).status).toBe(200);
    const third = await v3('GET', '/manage/whoami/');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    clock.advance(1000);
    expect((await v3('GET', '/manage/whoami/')).status).toBe(200);
  });
});
