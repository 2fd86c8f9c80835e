// What the v2 clients make of answers that are well-formed but wrong: a token value repeated under a
// field name we do not know, an answer about another token, a token Eden marks revoked, cost rows
// that usage cannot produce. Served by a stub `fetch`, so every request is counted.
import { inspect } from 'node:util';
import { CostClient, CustomTokenClient, NotFoundError, ResponseValidationError } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { API_KEY, fastOptions, TOKEN_VALUE } from './helpers.js';

type Answer = { status?: number; body: unknown };

/** A `fetch` answering each request with the next of `answers` (JSON), recording the requests. */
function stub(...answers: Answer[]) {
  const requests: { method: string; path: string }[] = [];
  const fetch = (async (request: Request) => {
    const url = new URL(request.url);
    requests.push({ method: request.method, path: url.pathname });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${request.method} ${url.pathname}`);
    return new Response(JSON.stringify(next.body), {
      status: next.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

const tokens = (...answers: Answer[]) => {
  const s = stub(...answers);
  return { client: new CustomTokenClient(fastOptions({ fetch: s.fetch }).options), ...s };
};

const wire = (overrides: Record<string, unknown> = {}) => ({
  name: 'prod-web-app',
  token: TOKEN_VALUE,
  token_type: 'api_token',
  balance: 5,
  active_balance: true,
  expire_time: null,
  ...overrides,
});

/** Everything a user could print of a value. */
const shown = (value: unknown) =>
  `${JSON.stringify(value)}\n${inspect(value, { depth: 20 })}\n${value instanceof Error ? value.message : ''}`;

describe('a token value repeated under an unknown field', () => {
  const echoes = {
    token_value: TOKEN_VALUE,
    api_token: TOKEN_VALUE,
    value: TOKEN_VALUE,
    jwt: `Bearer ${TOKEN_VALUE}`,
    meta: { copies: [TOKEN_VALUE], note: `was ${TOKEN_VALUE}` },
    echoed_key: API_KEY,
    label: 'kept as is',
  };

  it('is cut out of `extra` on list and get (and the API key too); other fields are kept', async () => {
    const { client } = tokens(
      { body: [wire(echoes)] },
      { body: wire({ ...echoes, masked: `full ${TOKEN_VALUE}` }) },
    );
    const listed = await client.list();
    const got = await client.get('prod-web-app');
    for (const token of [listed[0]!, got]) {
      expect(token.secret?.reveal()).toBe(TOKEN_VALUE);
      expect(token.extra).toMatchObject({
        label: 'kept as is',
        value: '[redacted]',
        jwt: 'Bearer [redacted]',
      });
      expect(shown(token)).not.toContain(TOKEN_VALUE);
      expect(shown(token)).not.toContain(API_KEY);
    }
    expect(shown(listed)).not.toContain(TOKEN_VALUE);
  });

  it("is cut out of another token's fields too, and out of later answers", async () => {
    const other = 'sk-eden-live-OTHERSECRET-9876543210';
    const { client } = tokens(
      { body: [wire({ note: `see ${other}` }), wire({ name: 'prod-api', token: other })] },
      // A later answer without the value itself (Eden's newer, masked reads) still repeating it.
      { body: wire({ name: 'prod-api', token: null, masked: 'sk-eden-live…3210', copy: other }) },
    );
    const listed = await client.list();
    expect(listed[0]?.extra).toEqual({ note: 'see [redacted]' });
    const got = await client.get('prod-api');
    expect(got.extra).toEqual({ copy: '[redacted]' });
    expect(got.masked).toBe('sk-eden-live…3210');
    expect(shown([listed, got])).not.toContain(other);
  });

  it('is cut out of a ResponseValidationError body, for list and get', async () => {
    const bad = wire({ ...echoes, token_type: 42 });
    const { client } = tokens({ body: [bad] }, { body: bad });
    for (const call of [() => client.list(), () => client.get('prod-web-app')]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseValidationError);
      expect(shown(error)).not.toContain(TOKEN_VALUE);
      expect(shown(error)).not.toContain(API_KEY);
      expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(TOKEN_VALUE);
    }
  });
});

describe('an answer about another token', () => {
  it('get: a ResponseValidationError, not the other token', async () => {
    const { client } = tokens({ body: wire({ name: 'prod-other-app' }) });
    const error = await client.get('prod-web-app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('"prod-other-app", not the requested "prod-web-app"');
    expect((error as ResponseValidationError).issues).toEqual([
      { path: 'name', message: 'expected "prod-web-app"' },
    ]);
    expect(shown(error)).not.toContain(TOKEN_VALUE);
  });

  it('update and create: a ResponseValidationError too', async () => {
    const { client } = tokens(
      { body: wire({ name: 'prod-other-app' }) },
      { status: 201, body: wire({ name: 'x' }) },
    );
    await expect(client.update('prod-web-app', { balance: 10 })).rejects.toBeInstanceOf(
      ResponseValidationError,
    );
    await expect(client.create({ name: 'prod-web-app' })).rejects.toThrow(
      /"x", not the requested "prod-web-app"/,
    );
  });
});

describe('a token Eden marks revoked (its newer spec lists them)', () => {
  it('is left out of list() and is a NotFoundError for get()', async () => {
    const { client } = tokens(
      {
        body: [
          wire(),
          wire({ name: 'prod-old-app', revoked: true }),
          wire({ name: 'prod-new-app', revoked: false }),
        ],
      },
      { body: wire({ revoked: true }) },
    );
    expect((await client.list()).map((t) => t.name)).toEqual(['prod-web-app', 'prod-new-app']);
    const error = await client.get('prod-web-app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'token_not_found', status: 404 });
  });
});

describe('cost rows usage cannot produce', () => {
  const report = (details: Record<string, unknown>, day = '2026-01-01') => ({
    body: {
      response: [{ token: 't', data: { [day]: { text__chat: { total_cost: 1, details: 3, ...details } } } }],
    },
  });
  const usage = (answer: Answer) => {
    const s = stub(answer);
    return new CostClient(fastOptions({ fetch: s.fetch }).options).usage({
      begin: '2026-01-01',
      end: '2026-01-01',
    });
  };

  it.each([
    ['a negative call count', report({ details: -5 }), 'details'],
    ['a fractional call count', report({ details: 1.5 }), 'details'],
    ['a negative total cost', report({ total_cost: -1 }), 'total_cost'],
    ['a negative provider cost', report({ cost_per_provider: { openai: '-0.5' } }), 'openai'],
    ['a period that is not a date', report({}, 'yesterday'), 'yesterday'],
  ])('%s is a ResponseValidationError naming the field', async (_, answer, field) => {
    const error = await usage(answer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues.map((i) => i.path).join(' ')).toContain(field);
  });

  it("usage asked for one token answered with another token's rows is refused", async () => {
    const s = stub(report({}));
    const costs = new CostClient(fastOptions({ fetch: s.fetch }).options);
    const error = await costs
      .usage({ begin: '2026-01-01', end: '2026-01-01', token: 'prod-web-app' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('token "t", not the requested "prod-web-app"');
  });

  it('zero calls and zero cost, and a period with a time, are fine', async () => {
    const records = await usage(report({ details: 0, total_cost: 0 }, '2026-01-01T00:00:00Z'));
    expect(records).toEqual([
      { token: 't', date: '2026-01-01', feature: 'text__chat', totalCost: 0, calls: 0, costPerProvider: {} },
    ]);
  });
});
