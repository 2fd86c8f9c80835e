// What ManagementKeyClient makes of answers that are well-formed but wrong: a one-time value repeated
// under an unknown field, the management key echoed, an answer about another key, and listings that
// never end (a server that ignores `offset`, with a count that is null or huge). A stub `fetch`
// serves them, so every request is counted.
import { inspect } from 'node:util';
import {
  ConfigurationError,
  InvalidInputError,
  ManagementKeyBackend,
  ManagementKeyClient,
  ResponseValidationError,
} from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { ID, ID2, MGMT_KEY, SECRET, wireKey } from './helpers.js';

/** A `fetch` answering with `answer(url)` as JSON, counting requests. */
function serve(answer: (url: URL, method: string) => unknown) {
  const seen: string[] = [];
  const fetch = (async (request: Request) => {
    const url = new URL(request.url);
    seen.push(`${request.method} ${url.pathname}${url.search}`);
    return new Response(JSON.stringify(answer(url, request.method)), {
      status: request.method === 'POST' && url.pathname.endsWith('/keys/') ? 201 : 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  const client = new ManagementKeyClient({
    apiKey: MGMT_KEY,
    fetch,
    retryDelay: () => 0,
    maxRequestsPerSecond: false,
  });
  return { client, seen };
}

const shown = (value: unknown) =>
  `${JSON.stringify(value)}\n${inspect(value, { depth: 20, showHidden: true })}`;
const key = (n: number, extra: Record<string, unknown> = {}) =>
  wireKey({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `key-${n}`, ...extra });

describe('values and the management key under unknown fields', () => {
  it('are cut out of `extra` on create, get, list and whoami', async () => {
    const echoes = { token_value: SECRET, jwt: `Bearer ${SECRET}`, value: MGMT_KEY, label: 'kept' };
    const { client } = serve((url, method) => {
      if (url.pathname.endsWith('/whoami/'))
        return { name: 'ci', scopes: ['manage:read'], raw: `Bearer ${MGMT_KEY}` };
      if (method === 'POST') return wireKey({ secret: SECRET, ...echoes });
      if (url.pathname.endsWith(`${ID}/`)) return wireKey(echoes);
      return { count: 1, next: null, results: [wireKey(echoes)] };
    });
    const created = await client.create({ name: 'prod-web-app' });
    expect(created.secret.reveal()).toBe(SECRET);
    const results = [created, await client.get(ID), await client.list().toArray(), await client.whoami()];
    for (const r of results) {
      expect(shown(r)).not.toContain(SECRET);
      expect(shown(r)).not.toContain(MGMT_KEY);
    }
    expect(created.extra).toMatchObject({ label: 'kept', value: '[redacted]', jwt: 'Bearer [redacted]' });
    expect((results[3] as { extra?: unknown }).extra).toEqual({ raw: 'Bearer [redacted]' });
  });

  it('are cut out of a ResponseValidationError', async () => {
    const { client } = serve(() => wireKey({ token_value: SECRET, name: 42, secret: SECRET }));
    const error = await client.get(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(shown(error)).not.toContain(SECRET);
  });
});

describe('an answer about another key', () => {
  it.each([
    ['get', (c: ManagementKeyClient) => c.get(ID)],
    ['update', (c: ManagementKeyClient) => c.update(ID, { balance: 5 })],
    ['rotate', (c: ManagementKeyClient) => c.rotate(ID)],
  ])('%s: a ResponseValidationError, never the other key (or its value)', async (_, call) => {
    const { client } = serve(() => wireKey({ id: ID2, secret: SECRET }));
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain(`not the requested "${ID}"`);
    expect(shown(error)).not.toContain(SECRET);
  });

  it('create: an answer naming another key is refused', async () => {
    const { client } = serve(() => wireKey({ name: 'someone-else', secret: SECRET }));
    await expect(client.create({ name: 'prod-web-app' })).rejects.toBeInstanceOf(ResponseValidationError);
  });
});

describe('usage', () => {
  it("asked for one key name, answered with another key's rows, is refused", async () => {
    const { client } = serve(() => ({
      usage: [
        { token: 'someone-else', data: { '2026-01-01': { text__chat: { total_cost: 1, details: 1 } } } },
      ],
    }));
    await expect(
      client.usage({ begin: '2026-01-01', end: '2026-01-01', token: 'prod-web-app' }),
    ).rejects.toThrow(/not the requested "prod-web-app"/);
  });

  it('negative call counts are refused here too', async () => {
    const { client } = serve(() => ({
      usage: [{ token: 't', data: { '2026-01-01': { text__chat: { total_cost: 1, details: -1 } } } }],
    }));
    await expect(client.usage({ begin: '2026-01-01', end: '2026-01-01' })).rejects.toBeInstanceOf(
      ResponseValidationError,
    );
  });
});

describe('listings that would never end', () => {
  it.each([
    ['count null', null],
    ['count huge', 1_000_000],
  ])('a server that ignores offset (%s) is read once: the second page adds nothing new', async (_, count) => {
    const { client, seen } = serve(() => ({ count, next: 'more', results: [key(1), key(2)] }));
    const keys = await client.list({ limit: 2 }).toArray();
    expect(keys.map((k) => k.name)).toEqual(['key-1', 'key-2']);
    expect(seen).toHaveLength(2);
  });

  it('legacy keys (no id) do not make such a walk endless either', async () => {
    const legacy = (n: number) => key(n, { id: null });
    const { client, seen } = serve(() => ({ count: null, next: 'more', results: [legacy(1), legacy(2)] }));
    expect((await client.list().toArray()).map((k) => k.name)).toEqual(['key-1', 'key-2']);
    expect(seen).toHaveLength(2);
  });

  it('a walk still going after 1000 pages is a ResponseValidationError', async () => {
    let n = 0;
    const { client, seen } = serve(() => ({ count: null, next: 'more', results: [key(++n)] }));
    const error = await client
      .list({ limit: 1 })
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toMatch(/did not end after 1000 pages/);
    expect(seen).toHaveLength(1000);
  });

  it.each([
    ['total_count', (offset: number) => ({ total_count: 3, results: [key(offset + 1)] })],
    ['count', (offset: number) => ({ count: 3, next: null, results: [key(offset + 1)] })],
    ['only next', (offset: number) => ({ next: offset < 2 ? 'more' : null, results: [key(offset + 1)] })],
  ])('pages by %s', async (_, page) => {
    const { client, seen } = serve((url) => page(Number(url.searchParams.get('offset'))));
    expect((await client.list({ limit: 1 }).toArray()).map((k) => k.name)).toEqual([
      'key-1',
      'key-2',
      'key-3',
    ]);
    expect(seen).toHaveLength(3);
  });
});

describe('the revoked flag', () => {
  it('a key with a revocation time is revoked even if the flag says otherwise, and the backend hides it', async () => {
    const { client } = serve(() => ({
      count: 2,
      results: [key(1), key(2, { revoked: false, revoked_at: '2026-01-02T00:00:00Z' })],
    }));
    const keys = await client.list().toArray();
    expect(keys.map((k) => k.revoked)).toEqual([false, true]);
    expect((await new ManagementKeyBackend(client).list()).map((t) => t.name)).toEqual(['key-1']);
  });
});

describe('ManagementKeyBackend collaborators', () => {
  it('are checked at construction', () => {
    const client = new ManagementKeyClient({ apiKey: MGMT_KEY });
    const partial = { list: client.list.bind(client), get: client.get.bind(client) };
    expect(() => new ManagementKeyBackend(partial as never)).toThrow(ConfigurationError);
    expect(() => new ManagementKeyBackend(partial as never)).toThrow(
      /missing create\(\), update\(\), revoke\(\), rotate\(\)/,
    );
    expect(() => new ManagementKeyBackend({ client, clock: 'now' as never })).toThrow(/clock/);
    expect(() => new ManagementKeyBackend({ client, member: 42 as never })).toThrow(/member/);
    expect(() => new ManagementKeyBackend({ client })).not.toThrow();
  });
});

describe('bad input to public methods', () => {
  it('is a typed error, never a TypeError', async () => {
    expect(() => new ManagementKeyClient(null as never)).toThrow(ConfigurationError);
    const { client, seen } = serve(() => ({ count: 0, results: [] }));
    expect(() => client.list(null as never)).toThrow(InvalidInputError);
    const backend = new ManagementKeyBackend(client);
    await expect(backend.update('prod-web-app', null as never)).rejects.toBeInstanceOf(InvalidInputError);
    expect(seen).toEqual([]);
  });
});
