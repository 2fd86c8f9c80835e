// Neither the API key nor a token value appears in errors, log lines or serialised results (nock only).
import { inspect } from 'node:util';
import { CostClient, CustomTokenClient } from 'edenai-token-manager';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { API_KEY, BASE, captureLogger, exposed, fastOptions, TOKEN_VALUE } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const PATH = '/v2/user/custom_token/';
const wire = {
  name: 'prod-web-app',
  token: TOKEN_VALUE,
  token_type: 'api_token',
  balance: 5,
  active_balance: true,
};

it('logs one debug line per attempt with method, path, status, ms and attempt, and nothing secret', async () => {
  const { logger, lines } = captureLogger();
  const f = fastOptions({ logger });
  const client = new CustomTokenClient(f.options);
  const costs = new CostClient(f.options);
  const errors: unknown[] = [];
  const results: unknown[] = [];

  nock(BASE)
    .get(PATH)
    .reply(503, { detail: `overloaded for ${API_KEY}` })
    .get(PATH)
    .reply(200, [wire]);
  results.push(await client.list());
  nock(BASE).get(`${PATH}prod-web-app/`).reply(200, wire);
  results.push(await client.get('prod-web-app'));
  nock(BASE).post(PATH).replyWithError({ code: 'ECONNRESET' }).get(`${PATH}prod-web-app/`).reply(200, wire);
  results.push(await client.create({ name: 'prod-web-app', balance: 5 }));
  nock(BASE)
    .get(`${PATH}x/`)
    .reply(401, { detail: `Invalid key ${API_KEY}`, token: TOKEN_VALUE, authorization: `Bearer ${API_KEY}` });
  errors.push(await client.get('x').catch((e: unknown) => e));
  nock(BASE).get(`${PATH}y/`).reply(200, { name: 'y', token: TOKEN_VALUE, token_type: 42 });
  errors.push(await client.get('y').catch((e: unknown) => e));
  nock(BASE).get(PATH).reply(200, `<html>${TOKEN_VALUE}</html>`);
  errors.push(await client.list().catch((e: unknown) => e));
  nock(BASE)
    .get('/v2/cost_management/credits/')
    .reply(403, { error: { type: 'p', message: `no ${API_KEY}` } });
  errors.push(await costs.credits().catch((e: unknown) => e));

  expect(errors.every((e) => e instanceof Error)).toBe(true);
  const seen = [
    ...errors.map(exposed),
    ...results.map((r) => `${JSON.stringify(r)}${inspect(r, { depth: 10 })}`),
    JSON.stringify(lines),
    exposed(client),
    inspect(client, { depth: 10, showHidden: true }),
  ].join('\n');
  expect(seen).not.toContain(API_KEY);
  expect(seen).not.toContain(TOKEN_VALUE);

  expect(lines.every((l) => l.level === 'debug')).toBe(true);
  expect(lines.slice(0, 2).map((l) => l.meta)).toEqual([
    { method: 'GET', path: '/user/custom_token/', status: 503, ms: expect.any(Number), attempt: 1 },
    { method: 'GET', path: '/user/custom_token/', status: 200, ms: expect.any(Number), attempt: 2 },
  ]);
  expect(lines.find((l) => l.meta?.['error'])?.meta).toMatchObject({
    method: 'POST',
    path: '/user/custom_token/',
    error: 'APIConnectionError',
    attempt: 1,
  });
  // 2 (list) + 1 (get) + 2 (lost POST, lookup GET) + 4 errors = 9 attempts.
  expect(lines).toHaveLength(9);
  expect(JSON.stringify(lines)).not.toMatch(/authorization|bearer/i);
});
