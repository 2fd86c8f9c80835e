import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { setup, type Transport, tokenPath } from './helpers.js';

const TOKENS = '/user/custom_token/';
const VALUE = /^sk-eden-fake-[0-9a-f]{32}$/;
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe.each<Transport>(['http', 'in-process'])('custom tokens over %s', (transport) => {
  const start = async (options = {}) => {
    const s = await setup(transport, options);
    fake = s.fake;
    return s;
  };

  it('creates with 201, a 9-decimal string balance and no token value', async () => {
    const { call } = await start();
    const res = await call('POST', TOKENS, { name: 'prod-web-app', balance: '25.5', active_balance: true });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      name: 'prod-web-app',
      token_type: 'api_token',
      balance: '25.500000000',
      active_balance: true,
      expire_time: null,
      balance_reset_period: 'none',
      balance_reset_amount: null,
    });
    expect(res.body).not.toHaveProperty('token');
  });

  it('defaults like Eden: balance 50 and active_balance false when no balance is given', async () => {
    const { call } = await start();
    const res = await call('POST', TOKENS, { name: 'plain' });
    expect(res.body.balance).toBe('50.000000000');
    expect(res.body.active_balance).toBe(false);
    expect(res.body.token_type).toBe('api_token');
  });

  it('accepts a numeric balance on create and a naive expire_time as UTC', async () => {
    const { call } = await start();
    const res = await call('POST', TOKENS, {
      name: 'n',
      balance: 12.25,
      expire_time: '2026-03-04T16:03:29.123456',
      token_type: 'sandbox_api_token',
    });
    expect(res.status).toBe(201);
    expect(res.body.balance).toBe('12.250000000');
    expect(res.body.expire_time).toBe('2026-03-04T16:03:29.123000Z');
    expect(res.body.token_type).toBe('sandbox_api_token');
    const zoned = await call('POST', TOKENS, { name: 'z', expire_time: '2026-03-04T18:00:00+02:00' });
    expect(zoned.body.expire_time).toBe('2026-03-04T16:00:00Z');
  });

  it('lists a bare array and retrieves one token, both with the value and a numeric balance', async () => {
    const { call } = await start();
    await call('POST', TOKENS, { name: 'a', balance: '87.45', active_balance: true });
    await call('POST', TOKENS, { name: 'b' });
    const list = await call('GET', TOKENS);
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    const one = await call('GET', tokenPath('a'));
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      name: 'a',
      token: fake!.tokenValue('a'),
      token_type: 'api_token',
      balance: 87.45,
      active_balance: true,
      expire_time: null,
      balance_reset_amount: null,
      balance_reset_period: 'none',
    });
    expect(one.body.token).toMatch(VALUE);
    expect(list.body[0]).toEqual(one.body);
    expect(fake!.tokenValue('b')).not.toBe(fake!.tokenValue('a'));
  });

  it('rejects a duplicate name with 400 and leaves the first token unchanged', async () => {
    const { call } = await start();
    await call('POST', TOKENS, { name: 'dup', balance: '1' });
    const value = fake!.tokenValue('dup');
    const res = await call('POST', TOKENS, { name: 'dup', balance: '2' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { type: 'validation_error', message: { name: ['Token with this name already exists.'] } },
    });
    expect(fake!.tokenValue('dup')).toBe(value);
    expect(fake!.tokens()).toHaveLength(1);
    expect(fake!.tokens()[0]!.balance).toBe(1);
  });

  it('patches with 200 and returns the updated object with a numeric balance', async () => {
    const { call } = await start();
    await call('POST', TOKENS, { name: 'p' });
    const res = await call('PATCH', tokenPath('p'), {
      balance: 200.5,
      active_balance: true,
      expire_time: '2027-01-01T00:00:00Z',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'p',
      token_type: 'api_token',
      balance: 200.5,
      expire_time: '2027-01-01T00:00:00Z',
      active_balance: true,
      balance_reset_amount: null,
      balance_reset_period: 'none',
    });
    expect(fake!.tokens()[0]).toMatchObject({ balance: 200.5, activeBalance: true });
  });

  it('ignores read-only name and token_type on PATCH', async () => {
    const { call } = await start();
    await call('POST', TOKENS, { name: 'ro' });
    const res = await call('PATCH', tokenPath('ro'), { name: 'other', token_type: 'sandbox_api_token' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'ro', token_type: 'api_token' });
  });

  it('deletes with 204 and an empty body, then answers 404 everywhere', async () => {
    const { call } = await start();
    await call('POST', TOKENS, { name: 'gone' });
    const res = await call('DELETE', tokenPath('gone'));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    for (const method of ['GET', 'DELETE']) {
      const again = await call(method, tokenPath('gone'));
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ details: 'Not Found' });
    }
    expect((await call('PATCH', tokenPath('gone'), { balance: 1 })).body).toEqual({ details: 'Not Found' });
    expect(fake!.tokenValue('gone')).toBeUndefined();
  });

  it('URL-decodes the name in the path', async () => {
    const { call } = await start();
    await call('POST', TOKENS, { name: 'odd name/é' });
    const res = await call('GET', tokenPath('odd name/é'));
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('odd name/é');
  });

  it('answers 404 without the trailing slash and for unknown paths', async () => {
    const { call } = await start();
    await call('POST', TOKENS, { name: 'slash' });
    for (const path of [
      '/user/custom_token',
      '/user/custom_token/slash',
      '/cost_management/credits',
      '/nope/',
    ]) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ details: 'Not Found' });
    }
    expect((await call('POST', '/user/custom_token', { name: 'x' })).status).toBe(404);
    expect(fake!.tokens()).toHaveLength(1);
  });

  it('answers 405 for a method the endpoint lacks', async () => {
    const { call } = await start();
    const res = await call('PUT', TOKENS, { name: 'x' });
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ detail: 'Method "PUT" not allowed.' });
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('rejects a body that is not JSON: 415 for another media type, 400 for broken JSON', async () => {
    const { call } = await start();
    const text = await call('POST', TOKENS, 'name=x', { headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const broken = await call('POST', TOKENS, '{"name":');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/^JSON parse error/);
    const list = await call('POST', TOKENS, ['x']);
    expect(list.body).toEqual({
      error: {
        type: 'validation_error',
        message: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] },
      },
    });
    expect(fake!.tokens()).toHaveLength(0);
  });

  it("hides values in 'masked' mode: masked, key_prefix and last4 instead of token", async () => {
    const { call } = await start({ tokenValues: 'masked' });
    await call('POST', TOKENS, { name: 'm' });
    const value = fake!.tokenValue('m')!;
    const res = await call('GET', tokenPath('m'));
    expect(res.body).not.toHaveProperty('token');
    expect(res.body).toMatchObject({
      name: 'm',
      label: 'm',
      masked: `sk-eden-fake…${value.slice(-4)}`,
      key_prefix: 'sk-eden-fake',
      last4: value.slice(-4),
      revoked: false,
      legacy: false,
      synthesized: false,
      balance: 50,
    });
    const list = await call('GET', TOKENS);
    expect(list.text).not.toContain(value);
  });
});
