// Wire format of CostClient: query parameters, flattening, "no data" 404 and credits (nock only).

import { CostClient, InvalidInputError, NotFoundError, ResponseValidationError } from 'edenai-token-manager';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, BASE, fastOptions } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

const api = () => nock(BASE).matchHeader('authorization', `Bearer ${API_KEY}`);
const costs = () => new CostClient(fastOptions().options);

const report = {
  response: [
    {
      token: 'prod-web-app',
      data: {
        '2026-01-01': {
          text__chat: { total_cost: 0.065878, details: 54, cost_per_provider: { openai: 0.065878 } },
          ocr__ocr: { total_cost: '0.006', details: 4, cost_per_provider: { google: 0.006 } },
        },
        '2026-01-02T00:00:00Z': {
          text__chat: { total_cost: 1.5, details: 3, cost_per_provider: { openai: 1, anthropic: 0.5 } },
        },
      },
    },
    { token: 'dev-web-app', data: {} },
  ],
};

describe('usage', () => {
  it('sends begin/end/step and filters, and flattens the nested report', async () => {
    api()
      .get('/v2/cost_management/')
      .query({ begin: '2026-01-01', end: '2026-01-31', step: '1', token: 'prod-web-app', provider: 'openai' })
      .reply(200, report);
    const records = await costs().usage({
      begin: new Date('2026-01-01T00:00:00Z'),
      end: '2026-01-31',
      token: 'prod-web-app',
      provider: 'openai',
    });
    expect(records).toEqual([
      {
        token: 'prod-web-app',
        date: '2026-01-01',
        feature: 'text__chat',
        totalCost: 0.065878,
        calls: 54,
        costPerProvider: { openai: 0.065878 },
      },
      {
        token: 'prod-web-app',
        date: '2026-01-01',
        feature: 'ocr__ocr',
        totalCost: 0.006,
        calls: 4,
        costPerProvider: { google: 0.006 },
      },
      {
        token: 'prod-web-app',
        date: '2026-01-02',
        feature: 'text__chat',
        totalCost: 1.5,
        calls: 3,
        costPerProvider: { openai: 1, anthropic: 0.5 },
      },
    ]);
  });

  it('passes step and subfeature; a single day is a valid range', async () => {
    api()
      .get('/v2/cost_management/')
      .query({ begin: '2026-02-01', end: '2026-02-01', step: '3', subfeature: 'chat' })
      .reply(200, { response: [] });
    await expect(
      costs().usage({ begin: '2026-02-01', end: '2026-02-01', step: 3, subfeature: 'chat' }),
    ).resolves.toEqual([]);
  });

  it('maps 404 {"details":"Not Found"} to no data', async () => {
    api().get('/v2/cost_management/').query(true).reply(404, { details: 'Not Found' });
    await expect(costs().usage({ begin: '2026-01-01', end: '2026-01-02' })).resolves.toEqual([]);
  });

  it('keeps a 404 that is not Eden\'s "no data" answer (e.g. a wrong base URL) as an error', async () => {
    api().get('/v2/cost_management/').query(true).reply(404, '<html><body>nginx</body></html>');
    await expect(costs().usage({ begin: '2026-01-01', end: '2026-01-02' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('surfaces a 400 field error from the server (range too long)', async () => {
    api()
      .get('/v2/cost_management/')
      .query(true)
      .reply(400, { error: { type: 'validation_error', message: { end: ['Range too long.'] } } });
    await expect(costs().usage({ begin: '2020-01-01', end: '2026-01-02' })).rejects.toThrow(
      'end: Range too long.',
    );
  });

  it('names the field of a malformed report', async () => {
    api()
      .get('/v2/cost_management/')
      .query(true)
      .reply(200, {
        response: [{ token: 't', data: { '2026-01-01': { text__chat: { total_cost: 'n/a' } } } }],
      });
    const error = await costs()
      .usage({ begin: '2026-01-01', end: '2026-01-02' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues[0]!.path).toBe(
      'response[0].data.2026-01-01.text__chat.total_cost',
    );
  });

  it.each([
    [{ begin: '2026-02-01', end: '2026-01-31' }, 'begin'],
    [{ begin: '2026-02-30', end: '2026-03-01' }, 'begin'],
    [{ begin: '2026-01-01', end: '31/01/2026' }, 'end'],
    [{ begin: new Date('nope'), end: '2026-01-01' }, 'begin'],
    [{ begin: '2026-01-01', end: '2026-01-02', step: 5 }, 'step'],
    [{ begin: '2026-01-01', end: '2026-01-02', token: '' }, 'token'],
  ])('rejects %j before sending anything', async (query, field) => {
    let calls = 0;
    const spy = (async () => {
      calls++;
      return new Response('{}');
    }) as typeof fetch;
    const error = await new CostClient(fastOptions({ fetch: spy }).options)
      .usage(query as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
    expect(calls).toBe(0);
  });
});

describe('credits', () => {
  it('GETs /v2/cost_management/credits/ and returns a number', async () => {
    api().get('/v2/cost_management/credits/').reply(200, { credits: 42.5 });
    await expect(costs().credits()).resolves.toBe(42.5);
  });

  it('rejects a missing credits field', async () => {
    api().get('/v2/cost_management/credits/').reply(200, { balance: 3 });
    await expect(costs().credits()).rejects.toThrow('credits: expected a number');
  });
});
