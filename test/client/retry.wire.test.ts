// Retries, timeouts, aborts and lost-response reconciliation on the wire (nock only).

import {
  APIConnectionError,
  APITimeoutError,
  BadRequestError,
  CustomTokenClient,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'edenai-token-manager';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BASE, fastOptions, TOKEN_VALUE, useNock } from './helpers.js';

useNock();

const api = () => nock(BASE);
const PATH = '/v2/user/custom_token/';
const wire = {
  name: 'prod-web-app',
  token: TOKEN_VALUE,
  token_type: 'api_token',
  balance: 10,
  active_balance: true,
};
const created = {
  name: 'prod-web-app',
  token_type: 'api_token',
  balance: '10.000000000',
  active_balance: true,
};

describe('retry policy', () => {
  it('honours Retry-After in seconds on 429 and passes it to retryDelay', async () => {
    const f = fastOptions();
    api().get(PATH).reply(429, { detail: 'Too many requests' }, { 'Retry-After': '3' });
    api().get(PATH).reply(200, []);
    await expect(new CustomTokenClient(f.options).list()).resolves.toEqual([]);
    expect(f.retryAfters).toEqual([3000]);
    expect(f.delays).toEqual([3000]);
  });

  it('reads Retry-After as an HTTP date on 503, against the injected clock', async () => {
    const now = new Date('2026-05-01T10:00:00Z');
    const f = fastOptions({ clock: () => now });
    api().get(PATH).reply(503, 'busy', { 'Retry-After': 'Fri, 01 May 2026 10:00:07 GMT' });
    api().get(PATH).reply(200, []);
    await new CustomTokenClient(f.options).list();
    expect(f.delays).toEqual([7000]);
  });

  it('the default delay honours Retry-After and backs off exponentially otherwise', async () => {
    const { defaultRetryDelay } = await import('../../src/http/retry.js');
    expect(defaultRetryDelay(1, 2500)).toBe(2500);
    expect(defaultRetryDelay(1, 10 * 60_000)).toBe(60_000);
    const first = defaultRetryDelay(1);
    const third = defaultRetryDelay(3);
    expect(first).toBeGreaterThanOrEqual(375);
    expect(first).toBeLessThanOrEqual(500);
    expect(third).toBeGreaterThanOrEqual(1500);
    expect(third).toBeLessThanOrEqual(2000);
    expect(defaultRetryDelay(20)).toBeLessThanOrEqual(8000);
  });

  it('retries 5xx with growing delays, then gives up after maxRetries with the last error', async () => {
    const f = fastOptions();
    api()
      .get(PATH)
      .times(3)
      .reply(500, { error: { type: 'server', message: 'boom' } });
    const error = await new CustomTokenClient(f.options).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(f.delays).toEqual([100, 200]);
  });

  it.each([408, 409, 502, 504])('retries %i', async (status) => {
    api().get(PATH).reply(status, {});
    api().get(PATH).reply(200, []);
    await expect(new CustomTokenClient(fastOptions().options).list()).resolves.toEqual([]);
  });

  it('never retries a 400 or a 404', async () => {
    const f = fastOptions();
    api()
      .get('/v2/user/custom_token/x/')
      .reply(400, { error: { type: 'v', message: 'bad' } });
    api().get('/v2/user/custom_token/y/').reply(404, { details: 'Not Found' });
    const client = new CustomTokenClient(f.options);
    await expect(client.get('x')).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.get('y')).rejects.toBeInstanceOf(NotFoundError);
    expect(f.delays).toEqual([]);
  });

  it('retries connection errors; per-call maxRetries overrides the client default', async () => {
    api().get(PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    api().get(PATH).reply(200, []);
    const client = new CustomTokenClient(fastOptions().options);
    await expect(client.list()).resolves.toEqual([]);

    api().get(PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const error = await client.list({ maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toMatch(
      /^Connection error to api\.edenai\.run: .+ \(GET \/user\/custom_token\/\)$/,
    );
  });

  it('PATCH is retried (absolute values are idempotent)', async () => {
    api().patch('/v2/user/custom_token/prod-web-app/').reply(502, 'bad gateway');
    api().patch('/v2/user/custom_token/prod-web-app/').reply(200, wire);
    const token = await new CustomTokenClient(fastOptions().options).update('prod-web-app', { balance: 10 });
    expect(token.balance).toBe(10);
  });

  it('a DELETE retried after a lost answer that then finds 404 has succeeded', async () => {
    api().delete('/v2/user/custom_token/old/').replyWithError({ code: 'ECONNRESET' });
    api().delete('/v2/user/custom_token/old/').reply(404, { details: 'Not Found' });
    await expect(new CustomTokenClient(fastOptions().options).delete('old')).resolves.toBeUndefined();
  });

  it('a DELETE of an absent token (first attempt) is a NotFoundError', async () => {
    api().delete('/v2/user/custom_token/old/').reply(404, { details: 'Not Found' });
    await expect(new CustomTokenClient(fastOptions().options).delete('old')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('create: POST retried only when provably safe', () => {
  it('after a lost response, looks the name up and returns the token without a second POST', async () => {
    const f = fastOptions();
    api().post(PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    api().get('/v2/user/custom_token/prod-web-app/').reply(200, wire);
    const token = await new CustomTokenClient(f.options).create({ name: 'prod-web-app', balance: 10 });
    expect(token.name).toBe('prod-web-app');
    expect(token.secret?.reveal()).toBe(TOKEN_VALUE);
    // afterEach proves no second POST went out (it would be an unmatched request).
  });

  it('after a 5xx, a lookup that finds nothing lets it POST again', async () => {
    api().post(PATH).reply(500, 'oops');
    api().get('/v2/user/custom_token/prod-web-app/').reply(404, { details: 'Not Found' });
    api().post(PATH).reply(201, created);
    const token = await new CustomTokenClient(fastOptions().options).create({
      name: 'prod-web-app',
      balance: 10,
    });
    expect(token.balance).toBe(10);
  });

  it('after a timeout, "already exists" on the resend means our first attempt landed: it returns the token', async () => {
    api().post(PATH).delay(200).reply(201, created);
    api().get('/v2/user/custom_token/prod-web-app/').reply(404, { details: 'Not Found' });
    api()
      .post(PATH)
      .reply(400, {
        error: { type: 'validation_error', message: { name: ['Token with this name already exists.'] } },
      });
    api().get('/v2/user/custom_token/prod-web-app/').reply(200, wire);
    const client = new CustomTokenClient(fastOptions({ timeoutMs: 20 }).options);
    const token = await client.create({ name: 'prod-web-app', balance: 10 });
    expect(token.secret?.reveal()).toBe(TOKEN_VALUE);
  });

  it('a duplicate on the first attempt is a BadRequestError naming the field, not retried', async () => {
    const f = fastOptions();
    api()
      .post(PATH)
      .reply(400, {
        error: { type: 'validation_error', message: { name: ['Token with this name already exists.'] } },
      });
    const error = await new CustomTokenClient(f.options)
      .create({ name: 'prod-web-app' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain('already exists at Eden AI');
    expect((error as BadRequestError).code).toBe('name_taken');
    expect(f.delays).toEqual([]);
  });

  it('a 429 on POST is resent directly: the server refused it, nothing to reconcile', async () => {
    api().post(PATH).reply(429, {}, { 'Retry-After': '1' });
    api().post(PATH).reply(201, created);
    const f = fastOptions();
    await new CustomTokenClient(f.options).create({ name: 'prod-web-app', balance: 10 });
    expect(f.delays).toEqual([1000]);
  });

  it('gives up after maxRetries lost attempts with the last error', async () => {
    api().post(PATH).replyWithError({ code: 'ECONNRESET' });
    api().get('/v2/user/custom_token/prod-web-app/').reply(404, { details: 'Not Found' });
    api().post(PATH).replyWithError({ code: 'ECONNRESET' });
    const error = await new CustomTokenClient(fastOptions({ maxRetries: 1 }).options)
      .create({ name: 'prod-web-app' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
  });
});

describe('timeouts and abort', () => {
  it('a slow answer is an APITimeoutError after timeoutMs, per attempt, then retried', async () => {
    api().get(PATH).delay(300).reply(200, []);
    api().get(PATH).reply(200, []);
    const f = fastOptions({ timeoutMs: 20 });
    await expect(new CustomTokenClient(f.options).list()).resolves.toEqual([]);
    expect(f.delays).toHaveLength(1);
  });

  it('a fetch that never answers (and ignores the signal) still times out', async () => {
    let calls = 0;
    const never = (() => {
      calls++;
      return new Promise<Response>(() => {});
    }) as typeof fetch;
    const client = new CustomTokenClient(fastOptions({ fetch: never, timeoutMs: 15, maxRetries: 1 }).options);
    const error = await client.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toBe(
      'Request timed out after 15 ms to api.edenai.run (GET /user/custom_token/)',
    );
    expect(calls).toBe(2);
  });

  it('the per-call timeoutMs wins', async () => {
    api().get(PATH).delay(300).reply(200, []);
    const client = new CustomTokenClient(fastOptions({ timeoutMs: 60_000 }).options);
    await expect(client.list({ timeoutMs: 20, maxRetries: 0 })).rejects.toBeInstanceOf(APITimeoutError);
  });

  it('aborting rejects at once with the signal reason (AbortError) and never retries', async () => {
    const controller = new AbortController();
    // Aborted once the request is in flight: no timer decides when.
    api()
      .get(PATH)
      .delay(5_000)
      .reply(200, [])
      .on('request', () => controller.abort());
    const f = fastOptions();
    const pending = new CustomTokenClient(f.options).list({ signal: controller.signal });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(f.delays).toEqual([]);
  });

  it('an already-aborted signal sends nothing; a custom reason is passed through', async () => {
    let calls = 0;
    const spy = (async () => {
      calls++;
      return new Response('[]');
    }) as typeof fetch;
    const reason = new Error('shutting down');
    const client = new CustomTokenClient(fastOptions({ fetch: spy }).options);
    await expect(client.list({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(calls).toBe(0);
  });

  it('an abort during the retry wait stops there', async () => {
    api().get(PATH).reply(503, 'busy');
    const controller = new AbortController();
    const client = new CustomTokenClient({
      apiKey: 'k',
      maxRequestsPerSecond: false,
      // ky's real wait of 60 s, aborted as soon as it is asked for: the test ends at once.
      retryDelay: () => {
        queueMicrotask(() => controller.abort());
        return 60_000;
      },
    });
    const pending = client.list({ signal: controller.signal });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('with maxRetries: 0 a 429 surfaces as a RateLimitError', async () => {
    api().get(PATH).reply(429, {});
    const error = await new CustomTokenClient(fastOptions({ maxRetries: 0 }).options)
      .list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
  });
});
