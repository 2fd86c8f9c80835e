// CustomTokenClient and CostClient against the fake Eden AI server on loopback.

import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  CostClient,
  CustomTokenClient,
  InternalServerError,
  NotFoundError,
} from 'edenai-token-manager';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger, exposed, fastOptions } from './helpers.js';

type Fake = Awaited<ReturnType<typeof createFakeEdenAI>>;
let fake: Fake;

beforeEach(async () => {
  fake = await createFakeEdenAI();
});
afterEach(() => fake.close());

const setup = (overrides: Record<string, unknown> = {}) => {
  const f = fastOptions({ ...fake.clientOptions, ...overrides });
  return { ...f, client: new CustomTokenClient(f.options), costs: new CostClient(f.options) };
};
const calls = () => fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`);

describe('lifecycle', () => {
  it('create → get the value → update → delete', async () => {
    const { client } = setup();
    const created = await client.create({
      name: 'prod-web-app',
      balance: 25.5,
      activeBalance: true,
      expireTime: new Date('2027-01-01T00:00:00Z'),
    });
    expect(created).toMatchObject({
      name: 'prod-web-app',
      balance: 25.5,
      activeBalance: true,
      tokenType: 'api_token',
    });
    expect(created.expireTime).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(created.secret).toBeUndefined(); // Eden's create answer never holds the value

    const read = await client.get('prod-web-app');
    expect(read.secret?.reveal()).toBe(fake.tokenValue('prod-web-app'));
    expect((await client.list()).map((t) => t.name)).toEqual(['prod-web-app']);

    const updated = await client.update('prod-web-app', {
      balance: 100,
      balanceResetPeriod: 'monthly',
      balanceResetAmount: 100,
    });
    expect(updated).toMatchObject({ balance: 100, balanceResetPeriod: 'monthly', balanceResetAmount: 100 });
    expect(fake.tokens()[0]).toMatchObject({ balance: 100, balanceResetPeriod: 'monthly' });

    await client.delete('prod-web-app');
    expect(fake.tokens()).toEqual([]);
    await expect(client.get('prod-web-app')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.delete('prod-web-app')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a duplicate name is a BadRequestError naming the field, sent once', async () => {
    const { client } = setup();
    await client.create({ name: 'dup' });
    fake.resetRequestLog();
    const error = await client.create({ name: 'dup' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toBe(
      '400 A token named "dup" already exists at Eden AI: choose another name, or update, rotate or delete the existing token (POST /user/custom_token/)',
    );
    expect((error as BadRequestError).code).toBe('name_taken');
    expect(calls()).toEqual(['POST /v2/user/custom_token/ 400']);
  });

  it('names with spaces and slashes round-trip through the encoded path', async () => {
    const { client } = setup();
    await client.create({ name: 'team a/b' });
    expect((await client.get('team a/b')).name).toBe('team a/b');
    await client.delete('team a/b');
    expect(fake.tokens()).toEqual([]);
  });

  it('masked mode: reads carry masked/last4 and no secret', async () => {
    const masked = await createFakeEdenAI({ tokenValues: 'masked', listen: false });
    try {
      const client = new CustomTokenClient(fastOptions(masked.clientOptions).options);
      await client.create({ name: 'm' });
      const token = await client.get('m');
      expect(token.secret).toBeUndefined();
      expect(token.last4).toBe(masked.tokenValue('m')!.slice(-4));
      expect(token.masked).toBeTruthy();
    } finally {
      await masked.close();
    }
  });

  it('a wrong API key is an AuthenticationError', async () => {
    const client = new CustomTokenClient({ ...fake.clientOptions, apiKey: 'wrong-key-123456' });
    await expect(client.list()).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('faults', () => {
  it('lost response on create: exactly one token exists, no second POST', async () => {
    const { client } = setup();
    fake.inject({ kind: 'lostResponse', match: { method: 'POST' } });
    const token = await client.create({ name: 'prod-api', balance: 10, activeBalance: true });
    expect(token.name).toBe('prod-api');
    expect(token.secret?.reveal()).toBe(fake.tokenValue('prod-api'));
    expect(fake.tokens().map((t) => t.name)).toEqual(['prod-api']);
    expect(calls()).toEqual(['POST /v2/user/custom_token/ 0', 'GET /v2/user/custom_token/prod-api/ 200']);
  });

  it('dropped create (never applied): looks up, finds nothing, sends again, one token', async () => {
    const { client } = setup();
    fake.inject({ kind: 'drop', match: { method: 'POST' } });
    await client.create({ name: 'prod-api' });
    expect(fake.tokens().map((t) => t.name)).toEqual(['prod-api']);
    expect(calls()).toEqual([
      'POST /v2/user/custom_token/ 0',
      'GET /v2/user/custom_token/prod-api/ 404',
      'POST /v2/user/custom_token/ 201',
    ]);
  });

  it('lost response on create, then a 5xx on the lookup: still exactly one token', async () => {
    const { client } = setup();
    fake.inject({ kind: 'lostResponse', match: { method: 'POST' } });
    fake.inject({ kind: 'status', status: 502, match: { method: 'GET' } });
    await client.create({ name: 'prod-api' });
    expect(fake.tokens()).toHaveLength(1);
    expect(calls().filter((c) => c.startsWith('POST'))).toHaveLength(1);
  });

  it('lost response on delete: the retry finds it gone and succeeds', async () => {
    const { client } = setup();
    await client.create({ name: 'old' });
    fake.inject({ kind: 'lostResponse', match: { method: 'DELETE' } });
    await expect(client.delete('old')).resolves.toBeUndefined();
    expect(fake.tokens()).toEqual([]);
  });

  it('drop and 5xx on reads are retried; too many give the last error', async () => {
    const { client, delays } = setup();
    fake.inject({ kind: 'drop', match: { method: 'GET' } });
    fake.inject({ kind: 'status', status: 500, match: { method: 'GET' } });
    await expect(client.list()).resolves.toEqual([]);
    expect(delays).toEqual([100, 200]);

    fake.inject({ kind: 'drop', times: 3 });
    await expect(client.list()).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('429 with Retry-After is honoured through the injected sleep', async () => {
    const { client, delays } = setup();
    fake.inject({ kind: 'rateLimit', retryAfterSeconds: 2 });
    await expect(client.list()).resolves.toEqual([]);
    expect(delays).toEqual([2000]);
  });

  it('an HTML 502 page becomes a short readable error', async () => {
    const { client } = setup({ maxRetries: 0 });
    fake.inject({ kind: 'html' });
    const error = await client.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toBe('502 Bad Gateway (HTML error page) (GET /user/custom_token/)');
  });

  it('slow answers time out per attempt and the retry gets through', async () => {
    const { client } = setup({ timeoutMs: 50 });
    fake.inject({ kind: 'latency', ms: 400 });
    await expect(client.list()).resolves.toEqual([]);
  });
});

describe('costs', () => {
  it('reports simulated usage as flat records and credits as a number', async () => {
    const { client, costs } = setup();
    await client.create({ name: 'prod-web-app', balance: 10, activeBalance: true });
    fake.simulateUsage({ token: 'prod-web-app', cost: 1.25, calls: 3, date: '2026-01-05' });
    fake.simulateUsage({
      token: 'prod-web-app',
      cost: 0.5,
      feature: 'ocr__ocr',
      provider: 'google',
      date: '2026-01-06',
    });
    const records = await costs.usage({ begin: '2026-01-01', end: '2026-01-31', token: 'prod-web-app' });
    expect(records).toEqual([
      {
        token: 'prod-web-app',
        date: '2026-01-05',
        feature: 'text__chat',
        totalCost: 1.25,
        calls: 3,
        costPerProvider: { openai: 1.25 },
      },
      {
        token: 'prod-web-app',
        date: '2026-01-06',
        feature: 'ocr__ocr',
        totalCost: 0.5,
        calls: 1,
        costPerProvider: { google: 0.5 },
      },
    ]);
    await expect(costs.usage({ begin: '2025-01-01', end: '2025-01-31' })).resolves.toEqual([]);
    expect(typeof (await costs.credits())).toBe('number');
  });
});

it('nothing secret in errors, logs or results of a faulty session', async () => {
  const { logger, lines } = captureLogger();
  const { client } = setup({ logger });
  fake.inject({ kind: 'lostResponse', match: { method: 'POST' } });
  const results: unknown[] = [
    await client.create({ name: 'sec' }),
    await client.get('sec'),
    await client.list(),
  ];
  const errors = [
    await client.create({ name: 'sec' }).catch((e: unknown) => e),
    await new CustomTokenClient({ ...fake.clientOptions, apiKey: 'not-the-key-123' })
      .list()
      .catch((e: unknown) => e),
  ];
  const value = fake.tokenValue('sec')!;
  const seen = [...results, ...errors].map(exposed).join('\n') + JSON.stringify(lines);
  expect(seen).not.toContain(value);
  expect(seen).not.toContain(fake.apiKey);
  expect(lines.length).toBeGreaterThan(0);
});
