// How requests leave the SDK: through ky as `fetch(request)`, one abort signal per attempt that a
// timeout or the caller's abort fires (so sockets close), answers read to the end (so the keep-alive
// socket serves the next call), and any fetch-shaped transport plugs in.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inspect } from 'node:util';
import { APIConnectionError, APITimeoutError, CostClient, CustomTokenClient } from 'edenai-token-manager';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import ky from 'ky';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, exposed, fastOptions } from './helpers.js';

/** A fetch that records what it was given and never answers. */
function hangingFetch() {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = ((input: Request) => {
    calls.push({ url: input.url, init: { signal: input.signal } });
    return new Promise<Response>(() => {});
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

describe('the request sent', () => {
  it('is fetch(request) with the bearer key, JSON headers and body, and no undefined query values', async () => {
    const seen: Request[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      seen.push(new Request(input, init));
      return new Response(seen.length === 1 ? '{"name":"a b","token_type":"api_token"}' : '{"response":[]}');
    };
    await new CustomTokenClient({ apiKey: API_KEY, fetch }).create({ name: 'a b', balance: 5 });
    await new CostClient({ apiKey: API_KEY, fetch }).usage({ begin: '2026-01-01', end: '2026-01-31' });
    const [create, usage] = seen;
    expect([create!.method, create!.url]).toEqual(['POST', 'https://api.edenai.run/v2/user/custom_token/']);
    expect(create!.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(create!.headers.get('content-type')).toBe('application/json');
    expect(await create!.json()).toMatchObject({ name: 'a b', balance: '5.00' });
    const url = new URL(usage!.url);
    expect(url.pathname).toBe('/v2/cost_management/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      begin: '2026-01-01',
      end: '2026-01-31',
      step: '1',
    });
  });
});

describe('a custom fetch that fails', () => {
  it('throwing synchronously is a connection error, retried like one, with no timer left behind', async () => {
    let calls = 0;
    const fetch = (() => {
      calls++;
      throw new TypeError('invalid proxy URL');
    }) as typeof globalThis.fetch;
    const f = fastOptions({ fetch, timeoutMs: 60_000, maxRetries: 1 });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const error = await new CustomTokenClient(f.options).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toBe(
      'Connection error to api.edenai.run: invalid proxy URL (GET /user/custom_token/)',
    );
    expect(calls).toBe(2);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });

  it('never repeats the API key that a failing transport put in its message', async () => {
    const fetch = (async () => {
      const inner = Object.assign(new Error(`upstream saw Bearer ${API_KEY}`), { code: 'EPROXY' });
      throw new TypeError(`proxy refused header "authorization: Bearer ${API_KEY}"`, { cause: inner });
    }) as typeof globalThis.fetch;
    const error = await new CustomTokenClient(fastOptions({ fetch, maxRetries: 0 }).options)
      .list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(exposed(error)).not.toContain(API_KEY);
    expect(inspect(error, { depth: 10 })).not.toContain(API_KEY); // console.error prints the causes
    // The causes stay useful: name, code and the rest of each message are kept.
    const cause = (error as Error).cause as Error & { cause: Error & { code: string } };
    expect([cause.name, cause.message]).toEqual([
      'TypeError',
      'proxy refused header "authorization: Bearer [redacted]"',
    ]);
    expect([cause.cause.code, cause.cause.message]).toEqual(['EPROXY', 'upstream saw Bearer [redacted]']);
  });
});

describe('abort signals', () => {
  it('a timeout aborts the signal handed to fetch, once per attempt', async () => {
    const { calls, fetch } = hangingFetch();
    const client = new CustomTokenClient(fastOptions({ fetch, timeoutMs: 10, maxRetries: 1 }).options);
    await expect(client.list()).rejects.toBeInstanceOf(APITimeoutError);
    expect(calls).toHaveLength(2);
    for (const { init } of calls) expect(init.signal?.aborted).toBe(true);
    expect(calls[0]!.init.signal).not.toBe(calls[1]!.init.signal);
  });

  it("the caller's abort aborts the signal handed to fetch with the caller's reason", async () => {
    const { calls, fetch } = hangingFetch();
    const controller = new AbortController();
    const pending = new CustomTokenClient(fastOptions({ fetch }).options).list({ signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(calls[0]!.init.signal?.reason).toBe(reason);
  });

  it('an answered request leaves no listener on the caller’s signal', async () => {
    const fake = await createFakeEdenAI({ listen: false });
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;
    const client = new CustomTokenClient(fake.clientOptions);
    for (let i = 0; i < 5; i++) await client.list({ signal: controller.signal });
    expect(listeners).toBe(0);
    await fake.close();
  });
});

describe('a server that never answers', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  /** A client (50 ms per attempt, no retry) of a server on 127.0.0.1, and the close of each socket. */
  async function clientOf(handler: RequestListener) {
    const closed: Promise<void>[] = [];
    server = createServer(handler);
    server.on('connection', (socket: Socket) =>
      closed.push(new Promise((r) => socket.once('close', () => r()))),
    );
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const client = new CustomTokenClient({
      apiKey: API_KEY,
      baseUrl: `http://127.0.0.1:${port}/v2`,
      timeoutMs: 50,
      maxRetries: 0,
    });
    return { client, closed };
  }

  it('gets its connection closed when the attempt times out (the global fetch honours our signal)', async () => {
    const { client, closed } = await clientOf(() => {}); // never responds
    await expect(client.list()).rejects.toBeInstanceOf(APITimeoutError);
    expect(closed).toHaveLength(1);
    await closed[0]; // without the abort the socket would stay open until undici's 300 s timeout
  });

  it('a body that stops half-way times out too, and its connection is closed', async () => {
    const { client, closed } = await clientOf((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"name":'); // …and never the rest
    });
    await expect(client.list()).rejects.toBeInstanceOf(APITimeoutError);
    await closed[0];
  });
});

describe('keep-alive', () => {
  it('sequential calls reuse the keep-alive connections: error answers, retries and user hooks included', async () => {
    const fake = await createFakeEdenAI();
    const port = Number(new URL(fake.baseUrl).port);
    let accepted = 0;
    const onSocket = (message: unknown) => {
      if ((message as { socket: Socket }).socket.localPort === port) accepted++;
    };
    subscribe('net.server.socket', onSocket);
    try {
      const { options } = fastOptions(fake.clientOptions);
      const client = new CustomTokenClient(options);
      // A user afterResponse hook makes ky clone the answer: the SDK hands it an already-read copy.
      const hooked = new CustomTokenClient({ ...options, hooks: { afterResponse: [() => undefined] } });
      await client.create({ name: 'kept-alive', balance: 1 });
      // A list answer of ~300 KB: unlike a small one, it would hold its socket until read.
      const state = fake.exportState();
      const seed = state.tokens[0]!;
      const bulk = Array.from({ length: 1500 }, (_, i) => ({
        ...seed,
        name: `bulk-${i}`,
        value: `${seed.value}-${i}`,
      }));
      fake.importState({ ...state, tokens: [seed, ...bulk] });
      for (let i = 0; i < 10; i++) await client.get('kept-alive');
      await hooked.get('kept-alive');
      for (let i = 0; i < 3; i++) expect(await client.list()).toHaveLength(1501);
      await expect(client.get('missing')).rejects.toMatchObject({ status: 404 });
      fake.inject({ kind: 'status', status: 503, match: { method: 'GET' } });
      await client.get('kept-alive'); // a 503, then the retry
      await client.update('kept-alive', { balance: 2 });
      await client.delete('kept-alive');
      expect(fake.requests).toHaveLength(20);
      // undici frees a socket a tick after its answer is read, so a call made at once opens a second
      // one (raw fetch does the same); both then serve in turn. A large answer left unread would hold
      // its socket until garbage collection: a new connection for each call after it.
      expect(accepted).toBeLessThanOrEqual(2);
    } finally {
      unsubscribe('net.server.socket', onSocket);
      await fake.close();
    }
  });
});

describe('bring your own HTTP stack', () => {
  it('a ky instance (hooks and all) plugs in through the fetch option', async () => {
    const fake = await createFakeEdenAI();
    try {
      const traced: string[] = [];
      const http = ky.create({
        fetch: fake.fetch,
        retry: 0, // the SDK owns retries
        timeout: false, // and timeouts
        throwHttpErrors: false, // and error mapping
        hooks: {
          beforeRequest: [
            (request) => void traced.push(`${request.method} ${new URL(request.url).pathname}`),
          ],
        },
      });
      const client = new CustomTokenClient({
        ...fake.clientOptions,
        fetch: (input, init) => http(input instanceof Request ? input : String(input), init),
      });
      await client.create({ name: 'dev-app', balance: 1 });
      const token = await client.get('dev-app');
      expect(token.balance).toBe(1);
      await expect(client.get('missing')).rejects.toMatchObject({ status: 404 });
      expect(traced).toEqual([
        'POST /v2/user/custom_token/',
        'GET /v2/user/custom_token/dev-app/',
        'GET /v2/user/custom_token/missing/',
      ]);
    } finally {
      await fake.close();
    }
  });
});
