// Bad input and bad configuration fail before any request is sent (a spy fetch proves it).

import {
  ConfigurationError,
  CostClient,
  CustomTokenClient,
  InvalidInputError,
  RateLimiter,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';

function spyClient() {
  const fetch = vi.fn(async () => new Response('{}'));
  return {
    fetch,
    client: new CustomTokenClient({ apiKey: 'key-12345678', fetch: fetch as typeof globalThis.fetch }),
  };
}

async function rejected(promise: Promise<unknown>): Promise<InvalidInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describe('configuration', () => {
  const saved = process.env['EDENAI_API_KEY'];
  afterEach(() => {
    if (saved === undefined) delete process.env['EDENAI_API_KEY'];
    else process.env['EDENAI_API_KEY'] = saved;
  });

  it('a missing API key is a ConfigurationError at construction', () => {
    delete process.env['EDENAI_API_KEY'];
    expect(() => new CustomTokenClient()).toThrow(ConfigurationError);
    expect(() => new CostClient({ apiKey: '  ' })).toThrow(/EDENAI_API_KEY/);
  });

  it('reads EDENAI_API_KEY by default', async () => {
    process.env['EDENAI_API_KEY'] = 'from-env-key-123';
    const fetch = vi.fn(async (_input: Request | string | URL, _init?: RequestInit) => new Response('[]'));
    await new CustomTokenClient({ fetch: fetch as typeof globalThis.fetch }).list();
    const request = new Request(...fetch.mock.calls[0]!);
    expect(request.headers.get('authorization')).toBe('Bearer from-env-key-123');
    expect(request.url).toBe('https://api.edenai.run/v2/user/custom_token/');
  });

  it.each([
    [{ baseUrl: 'api.edenai.run' }],
    [{ timeoutMs: 0 }],
    [{ maxRetries: -1 }],
    [{ maxRetries: 1.5 }],
    [{ timeoutMs: 2 ** 31 }],
    [{ maxRequestsPerSecond: 0 }],
  ])('rejects %j', (options) => {
    expect(() => new CustomTokenClient({ apiKey: 'key-12345678', ...options })).toThrow(ConfigurationError);
  });

  it('rejects bad per-call options before sending', async () => {
    const { client, fetch } = spyClient();
    await expect(client.list({ maxRetries: -1 })).rejects.toMatchObject({ field: 'maxRetries' });
    await expect(client.list({ timeoutMs: 0 })).rejects.toMatchObject({ field: 'timeoutMs' });
    await expect(client.list({ timeoutMs: 2 ** 31 })).rejects.toBeInstanceOf(InvalidInputError);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('rejects a bad rate limiter', () => {
    expect(() => new RateLimiter({ perSecond: 2.5 })).toThrow(ConfigurationError);
  });
});

describe('token names', () => {
  it.each([
    ['', 'non-empty'],
    ['   ', 'non-empty'],
    ['x'.repeat(201), 'at most 200'],
    ['bad\nname', 'control characters'],
    ['tab\tname', 'control characters'],
    ['..', 'not allowed'],
    ['.', 'not allowed'],
  ])('rejects %j in every method', async (name, text) => {
    const { client, fetch } = spyClient();
    for (const call of [
      () => client.create({ name }),
      () => client.get(name),
      () => client.update(name, { balance: 1 }),
      () => client.delete(name),
    ]) {
      const error = await rejected(call());
      expect(error.field).toBe('name');
      expect(error.message).toContain(text);
    }
    expect(fetch).not.toHaveBeenCalled();
  });

  it('accepts exactly 200 characters', async () => {
    const { client, fetch } = spyClient();
    fetch.mockResolvedValueOnce(
      new Response(JSON.stringify({ name: 'x'.repeat(200), token_type: 'api_token' })),
    );
    await client.get('x'.repeat(200));
    expect(fetch).toHaveBeenCalledOnce();
  });
});

describe('create input', () => {
  it.each([
    [{ balance: -1 }, 'balance', 'negative'],
    [{ balance: 100_000 }, 'balance', 'Eden allows at most 99999.999999999'],
    [{ balance: 0.1 + 0.2 }, 'balance', 'more than 9 decimals'],
    [{ balance: 1.0000000001 }, 'balance', 'more than 9 decimals'],
    [{ balance: Number.NaN }, 'balance', 'finite'],
    [{ balance: '10' }, 'balance', 'finite'],
    [{ expireTime: new Date('not a date') }, 'expireTime', 'valid Date'],
    [{ expireTime: '2026-01-01' }, 'expireTime', 'valid Date'],
    [{ tokenType: 'admin' }, 'tokenType', 'one of'],
    [{ balanceResetPeriod: 'monthly' }, 'balanceResetAmount', 'required'],
    [{ balanceResetPeriod: 'yearly', balanceResetAmount: 5 }, 'balanceResetPeriod', 'one of'],
    [{ balanceResetAmount: 5 }, 'balanceResetAmount', 'needs a balanceResetPeriod'],
    [
      { balanceResetPeriod: 'none', balanceResetAmount: 5 },
      'balanceResetAmount',
      'needs a balanceResetPeriod',
    ],
    [{ balanceResetPeriod: 'daily', balanceResetAmount: -5 }, 'balanceResetAmount', 'negative'],
    [{ activeBalance: 'yes' }, 'activeBalance', 'boolean'],
  ])('rejects %j', async (fields, field, text) => {
    const { client, fetch } = spyClient();
    const error = await rejected(client.create({ name: 'ok', ...(fields as object) }));
    expect(error.field).toBe(field);
    expect(error.message).toContain(text);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('accepts the boundaries: 0, 99999.999999999 and 9 decimals', async () => {
    const { client, fetch } = spyClient();
    const bodies: { balance?: string }[] = [];
    fetch.mockImplementation(async (...args: unknown[]) => {
      bodies.push(await new Request(args[0] as string, args[1] as RequestInit).json());
      return new Response(JSON.stringify({ name: 'ok', token_type: 'api_token' }));
    });
    await client.create({ name: 'ok', balance: 0 });
    await client.create({ name: 'ok', balance: 99999.999999999 });
    expect(bodies.map((b) => b.balance)).toEqual(['0.00', '99999.999999999']);
  });
});

describe('update input', () => {
  it.each([
    [{}, 'patch', 'Empty update'],
    [{ unknown: 1 }, 'patch', 'Empty update'],
    [{ balance: -0.5 }, 'balance', 'negative'],
    [{ balance: null }, 'balance', 'finite'],
    [{ expireTime: new Date(Number.NaN) }, 'expireTime', 'valid Date'],
    [{ balanceResetPeriod: 'weekly' }, 'balanceResetAmount', 'required'],
  ])('rejects %j', async (patch, field, text) => {
    const { client, fetch } = spyClient();
    const error = await rejected(client.update('ok', patch as never));
    expect(error.field).toBe(field);
    expect(error.message).toContain(text);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('allows changing the reset amount alone', async () => {
    const { client, fetch } = spyClient();
    let body: unknown;
    fetch.mockImplementationOnce(async (...args: unknown[]) => {
      body = await new Request(args[0] as string, args[1] as RequestInit).json();
      return new Response(JSON.stringify({ name: 'ok', token_type: 'api_token' }));
    });
    await client.update('ok', { balanceResetAmount: 12 });
    expect(body).toEqual({ balance_reset_amount: 12 });
  });
});
