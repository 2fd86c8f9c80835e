import { InvalidInputError } from 'edenai-token-manager';
import type { FakeEdenAI, FakeEdenAIOptions, Fault } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { setup, type Transport, tokenPath } from './helpers.js';

const TOKENS = '/user/custom_token/';
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A fake `sleep` that records the delays it is asked for and returns at once. */
function recordSleeps() {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return { sleep, delays };
}

describe.each<Transport>(['http', 'in-process'])('faults over %s', (transport) => {
  const start = async (options: FakeEdenAIOptions = {}) => {
    const s = await setup(transport, options);
    fake = s.fake;
    return s.call;
  };

  it('drop: the request fails like undici (TypeError "fetch failed") and nothing changes', async () => {
    const call = await start();
    fake!.inject({ kind: 'drop' });
    const error = await call('POST', TOKENS, { name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fetch failed');
    expect(fake!.tokens()).toEqual([]);
    expect(fake!.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v2/user/custom_token/',
      status: 0,
      fault: 'drop',
    });
    // One time only by default: the next request goes through.
    expect((await call('POST', TOKENS, { name: 'x' })).status).toBe(201);
  });

  it('lostResponse: the server applies the change, then the connection drops', async () => {
    const call = await start();
    fake!.inject({ kind: 'lostResponse', match: { method: 'POST' } });
    await expect(call('POST', TOKENS, { name: 'kept' })).rejects.toThrow('fetch failed');
    expect(fake!.tokens().map((t) => t.name)).toEqual(['kept']);
    // A retry of the POST meets Eden's uniqueness rule.
    expect((await call('POST', TOKENS, { name: 'kept' })).status).toBe(400);
  });

  it('rateLimit: 429 with Retry-After (default 1 s) and DRF throttled body', async () => {
    const call = await start();
    fake!.inject({ kind: 'rateLimit' });
    fake!.inject({ kind: 'rateLimit', retryAfterSeconds: 7 });
    const first = await call('GET', TOKENS);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.body).toEqual({ detail: 'Request was throttled. Expected available in 1 second.' });
    const second = await call('GET', TOKENS);
    expect(second.headers.get('retry-after')).toBe('7');
    expect((await call('GET', TOKENS)).status).toBe(200);
  });

  it("status: any status with Eden's documented body, or the given body and headers", async () => {
    const call = await start();
    fake!.inject({ kind: 'status', status: 503 });
    fake!.inject({ kind: 'status', status: 500, body: { error: 'boom' }, headers: { 'x-request-id': 'r1' } });
    fake!.inject({ kind: 'status', status: 502, body: 'upstream gone' });
    const a = await call('GET', TOKENS);
    expect([a.status, a.body]).toEqual([
      503,
      { error: { type: 'api_error', message: 'Service Unavailable' } },
    ]);
    const b = await call('GET', TOKENS);
    expect([b.status, b.body, b.headers.get('x-request-id')]).toEqual([500, { error: 'boom' }, 'r1']);
    const c = await call('GET', TOKENS);
    expect([c.status, c.text]).toEqual([502, 'upstream gone']);
  });

  it('status without a body: {"error":{type,message}} for 403 and 5xx, {"detail"} for 401 and 402', async () => {
    const call = await start();
    for (const status of [403, 500, 504, 401, 402]) fake!.inject({ kind: 'status', status });
    expect((await call('GET', TOKENS)).body).toEqual({
      error: { type: 'permission_error', message: 'You do not have permission to perform this action.' },
    });
    expect((await call('GET', TOKENS)).body).toEqual({
      error: { type: 'api_error', message: 'Internal Server Error' },
    });
    expect((await call('GET', TOKENS)).body).toEqual({
      error: { type: 'api_error', message: 'Gateway Timeout' },
    });
    expect((await call('GET', TOKENS)).body).toEqual({ detail: 'Unauthorized' });
    expect((await call('GET', TOKENS)).body).toEqual({ detail: 'Payment Required' });
  });

  it('status faults answer before the server acts', async () => {
    const call = await start();
    fake!.inject({ kind: 'status', status: 500, match: { method: 'POST' } });
    expect((await call('POST', TOKENS, { name: 'x' })).status).toBe(500);
    expect(fake!.tokens()).toEqual([]);
  });

  it('html: a non-JSON HTML error page, 502 by default', async () => {
    const call = await start();
    fake!.inject({ kind: 'html' });
    fake!.inject({ kind: 'html', status: 504 });
    const res = await call('GET', TOKENS);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toContain('<title>502 Bad Gateway</title>');
    expect((await call('GET', TOKENS)).text).toContain('504 Gateway Timeout');
  });

  it('latency: the fake waits the injected time, then the request goes through', async () => {
    const { sleep, delays } = recordSleeps();
    const call = await start({ sleep });
    fake!.inject({ kind: 'latency', ms: 30 });
    const res = await call('GET', TOKENS);
    expect(delays).toEqual([30]);
    expect(res.status).toBe(200);
    expect(fake!.requests.at(-1)).toMatchObject({ status: 200, fault: 'latency' });
    await call('GET', TOKENS);
    expect(delays).toEqual([30]); // one request only by default
  });

  it('matches by method and by path (string with or without /v2, or RegExp), for `times` requests', async () => {
    const call = await start();
    await call('POST', TOKENS, { name: 'a' });
    fake!.inject({
      kind: 'status',
      status: 500,
      match: { method: 'patch', path: /custom_token\/[^/]+\/$/ },
      times: 2,
    });
    fake!.inject({ kind: 'status', status: 418, match: { path: '/cost_management/credits/' } });
    expect((await call('GET', tokenPath('a'))).status).toBe(200);
    expect((await call('PATCH', tokenPath('a'), { balance: 1 })).status).toBe(500);
    expect((await call('PATCH', tokenPath('a'), { balance: 1 })).status).toBe(500);
    expect((await call('PATCH', tokenPath('a'), { balance: 1 })).status).toBe(200);
    expect((await call('GET', TOKENS)).status).toBe(200);
    expect((await call('GET', '/cost_management/credits/')).status).toBe(418);
  });

  it('times: Infinity keeps failing until clearFaults()', async () => {
    const call = await start();
    fake!.inject({ kind: 'status', status: 503, times: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 3; i++) expect((await call('GET', TOKENS)).status).toBe(503);
    fake!.clearFaults();
    expect((await call('GET', TOKENS)).status).toBe(200);
  });

  it('latency faults add up with a later terminal fault', async () => {
    const { sleep, delays } = recordSleeps();
    const call = await start({ sleep });
    fake!.inject({ kind: 'latency', ms: 5 });
    fake!.inject({ kind: 'latency', ms: 7 });
    fake!.inject({ kind: 'status', status: 503 });
    expect((await call('GET', TOKENS)).status).toBe(503);
    expect(delays).toEqual([12]);
    expect((await call('GET', TOKENS)).status).toBe(200);
    expect(delays).toEqual([12]);
  });
});

describe('fake.fetch specifics', () => {
  it('rejects at once with the AbortError of an already aborted signal', async () => {
    const { fake: f, call } = await setup('in-process');
    fake = f;
    const error = await call('GET', TOKENS, undefined, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('AbortError');
  });

  it('an abort during latency rejects with the reason and the server does not act', async () => {
    const { fake: f, call } = await setup('in-process');
    fake = f;
    f.inject({ kind: 'latency', ms: 60_000 });
    const controller = new AbortController();
    const pending = call('POST', TOKENS, { name: 'late' }, { signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow('gave up');
    expect(f.tokens()).toEqual([]);
    expect(f.requests.at(-1)).toMatchObject({ status: 0 });
  });

  it('fails like a refused connection after close()', async () => {
    const { fake: f, call } = await setup('in-process');
    await f.close();
    await expect(call('GET', TOKENS)).rejects.toThrow('fetch failed');
  });

  it('latencyMs delays every answer, on top of latency faults', async () => {
    const { sleep, delays } = recordSleeps();
    const { fake: f, call } = await setup('in-process', { latencyMs: 30, sleep });
    fake = f;
    await call('GET', TOKENS);
    f.inject({ kind: 'latency', ms: 5 });
    await call('GET', TOKENS);
    expect(delays).toEqual([30, 35]);
  });

  it('a client that aborts during an injected sleep is dropped, even when the sleep rejects', async () => {
    const controller = new AbortController();
    const sleep = async (_ms: number, signal: AbortSignal) => {
      controller.abort(new Error('gave up'));
      if (signal.aborted) throw new Error('sleep cut short');
    };
    const { fake: f, call } = await setup('in-process', { latencyMs: 10, sleep });
    fake = f;
    const pending = call('POST', TOKENS, { name: 'late' }, { signal: controller.signal });
    await expect(pending).rejects.toThrow('gave up');
    expect(f.tokens()).toEqual([]);
    expect(f.requests.at(-1)).toMatchObject({ status: 0 });
  });
});

describe('inject validation', () => {
  it.each<[unknown, string]>([
    [{ kind: 'explode' }, 'kind'],
    [{ kind: 'status', status: 99 }, 'status'],
    [{ kind: 'latency', ms: -1 }, 'ms'],
    [{ kind: 'drop', times: 0 }, 'times'],
    [{ kind: 'drop', times: 1.5 }, 'times'],
  ])('%j is rejected with InvalidInputError (%s)', async (fault, field) => {
    const { fake: f } = await setup('in-process');
    fake = f;
    expect(() => f.inject(fault as Fault)).toThrow(InvalidInputError);
    try {
      f.inject(fault as Fault);
    } catch (error) {
      expect((error as InvalidInputError).field).toBe(field);
    }
  });
});
