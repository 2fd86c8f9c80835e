import { ConfigurationError, CustomTokenClient } from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI, type FakeEdenAIOptions } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';

let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('createFakeEdenAI options', () => {
  it('listens on 127.0.0.1 by default; clientOptions carry apiKey, baseUrl and no client pacing', async () => {
    fake = await createFakeEdenAI();
    expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    expect(fake.apiKey).toBe('fake-edenai-api-key');
    expect(fake.clientOptions).toEqual({
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
      maxRequestsPerSecond: false,
    });
    const res = await fetch(`${fake.baseUrl}/cost_management/credits/`, {
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(res.status).toBe(200);
  });

  it('listen: false serves only through fake.fetch, which clientOptions carry', async () => {
    fake = await createFakeEdenAI({ listen: false });
    expect(fake.baseUrl).toBe('http://fake-edenai.local/v2');
    expect(fake.clientOptions).toEqual({
      apiKey: fake.apiKey,
      baseUrl: fake.baseUrl,
      fetch: fake.fetch,
      maxRequestsPerSecond: false,
    });
    const res = await fake.fetch(`${fake.baseUrl}/cost_management/credits/`, {
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(await res.json()).toEqual({ credits: 100 });
  });

  it('with a clock, clientOptions carry it: clients check expiries against the same time', async () => {
    const clock = () => new Date('2025-01-01T00:00:00Z');
    fake = await createFakeEdenAI({ listen: false, clock });
    expect(fake.clientOptions).toMatchObject({ clock });
    expect(fake.managementClientOptions).toMatchObject({ clock });
    // An expiry ahead of the fake's time is accepted even if the machine's clock is later.
    const client = new CustomTokenClient(fake.clientOptions);
    const token = await client.create({ name: 'dated', expireTime: new Date('2025-02-01T00:00:00Z') });
    expect(token.expireTime).toEqual(new Date('2025-02-01T00:00:00Z'));
    await expect(
      client.create({ name: 'late', expireTime: new Date('2024-12-31T00:00:00Z') }),
    ).rejects.toThrow(/not in the future/);
  });

  it('options that are not an object are a ConfigurationError', async () => {
    await expect(createFakeEdenAI(null as never)).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('with a rate limit, clientOptions leave client pacing on', async () => {
    fake = await createFakeEdenAI({ listen: false, rateLimit: { perSecond: 5 } });
    expect(fake.clientOptions).toEqual({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, fetch: fake.fetch });
    expect(fake.managementClientOptions).not.toHaveProperty('maxRequestsPerSecond');
  });

  it('fake.fetch and HTTP share one state', async () => {
    fake = await createFakeEdenAI();
    const headers = { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' };
    await fake.fetch(`${fake.baseUrl}/user/custom_token/`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'shared' }),
    });
    const res = await fetch(`${fake.baseUrl}/user/custom_token/shared/`, { headers });
    expect((await res.json()).name).toBe('shared');
  });

  it('close() is idempotent and stops the HTTP server', async () => {
    const f = await createFakeEdenAI();
    await f.close();
    await f.close();
    await expect(fetch(`${f.baseUrl}/user/custom_token/`)).rejects.toThrow('fetch failed');
  });

  it('resetRequestLog() empties the log', async () => {
    fake = await createFakeEdenAI({ listen: false });
    await fake.fetch(`${fake.baseUrl}/user/custom_token/`);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v2/user/custom_token/', status: 401 });
    expect(fake.requests[0]!.at).toBeInstanceOf(Date);
    fake.resetRequestLog();
    expect(fake.requests).toHaveLength(0);
  });

  it.each<[string, FakeEdenAIOptions]>([
    ['apiKey', { apiKey: '' }],
    ['port', { port: 70000 }],
    ['latencyMs', { latencyMs: -5 }],
    ['rateLimit', { rateLimit: { perSecond: 0 } }],
    ['tokenValues', { tokenValues: 'plain' as never }],
    ['maxCostRangeDays', { maxCostRangeDays: 1.5 }],
    ['credits', { credits: Number.NaN }],
    ['stateFile', { stateFile: '' }],
    ['clock', { clock: 'now' as never }],
  ])('rejects a bad %s with ConfigurationError', async (name, options) => {
    const error = await createFakeEdenAI({ listen: false, ...options }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(String(error)).toContain(name);
  });
});
