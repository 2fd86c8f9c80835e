// Wire format of CustomTokenClient: paths, encoding, headers, bodies and response mapping (nock only).

import { CustomTokenClient, Secret } from 'edenai-token-manager';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { API_KEY, BASE, fastOptions, TOKEN_VALUE, useNock } from './helpers.js';

useNock();

const api = () => nock(BASE).matchHeader('authorization', `Bearer ${API_KEY}`);
const client = (overrides: Record<string, unknown> = {}) =>
  new CustomTokenClient(fastOptions(overrides).options);

const wireToken = {
  name: 'prod-web-app',
  token: TOKEN_VALUE,
  token_type: 'api_token',
  balance: 87.45,
  active_balance: true,
  expire_time: '2026-06-30T12:00:00Z',
};

describe('create', () => {
  it('POSTs to /v2/user/custom_token/ with the balance as a decimal string and an ISO Z time', async () => {
    let body: unknown;
    api()
      .matchHeader('content-type', /application\/json/)
      .post('/v2/user/custom_token/', (b) => {
        body = b;
        return true;
      })
      .reply(201, {
        name: 'prod-web-app',
        token_type: 'api_token',
        balance: '50.000000000',
        active_balance: true,
        expire_time: null,
      });
    // The expiry must be ahead of the client's clock.
    const token = await client({ clock: () => new Date('2026-06-01T00:00:00Z') }).create({
      name: 'prod-web-app',
      tokenType: 'api_token',
      balance: 50,
      activeBalance: true,
      expireTime: new Date(Date.UTC(2026, 5, 30, 12)),
    });
    expect(body).toEqual({
      name: 'prod-web-app',
      token_type: 'api_token',
      balance: '50.00',
      active_balance: true,
      expire_time: '2026-06-30T12:00:00.000Z',
    });
    expect(token).toEqual({
      name: 'prod-web-app',
      tokenType: 'api_token',
      balance: 50,
      activeBalance: true,
      expireTime: null,
      balanceResetPeriod: 'none',
      balanceResetAmount: null,
    });
    expect(token.secret).toBeUndefined();
  });

  it('sends small and 9-decimal amounts without exponent, and the reset budget as strings', async () => {
    const bodies: unknown[] = [];
    api()
      .post('/v2/user/custom_token/', (b) => bodies.push(b) > 0)
      .times(2)
      .reply(201, { name: 'x', token_type: 'api_token', balance: '0.000000100' });
    await client().create({ name: 'x', balance: 1e-7 });
    await client().create({
      name: 'x',
      balance: 12.123456789,
      balanceResetPeriod: 'daily',
      balanceResetAmount: 10,
    });
    expect(bodies).toEqual([
      { name: 'x', balance: '0.0000001' },
      { name: 'x', balance: '12.123456789', balance_reset_period: 'daily', balance_reset_amount: '10.00' },
    ]);
  });
});

describe('reads', () => {
  it('lists the bare array, wrapping values in Secret', async () => {
    api()
      .get('/v2/user/custom_token/')
      .reply(200, [
        wireToken,
        {
          name: 'dev-sandbox',
          token: null,
          token_type: 'sandbox_api_token',
          balance: null,
          active_balance: false,
        },
      ]);
    const tokens = await client().list();
    expect(tokens.map((t) => t.name)).toEqual(['prod-web-app', 'dev-sandbox']);
    expect(tokens[0]!.secret).toBeInstanceOf(Secret);
    expect(tokens[0]!.secret!.reveal()).toBe(TOKEN_VALUE);
    expect(tokens[0]!.expireTime).toEqual(new Date('2026-06-30T12:00:00Z'));
    expect(tokens[1]).toMatchObject({ balance: null, activeBalance: false, expireTime: null });
    expect(tokens[1]!.secret).toBeUndefined();
  });

  it('encodes the name in the path and keeps the trailing slash', async () => {
    api()
      .get('/v2/user/custom_token/team%2Fa%20b%3F%23%25/')
      .reply(200, { ...wireToken, name: 'team/a b?#%' });
    const token = await client().get('team/a b?#%');
    expect(token.name).toBe('team/a b?#%');
  });

  it('reads balance as string or number, naive times as UTC, masked keys and extra fields', async () => {
    api().get('/v2/user/custom_token/new-style/').reply(200, {
      name: 'new-style',
      token_type: 'api_token',
      balance: '12.500000000',
      active_balance: true,
      expire_time: '2026-03-04T16:03:29.123456',
      balance_reset_period: 'monthly',
      balance_reset_amount: 20,
      masked: 'sk-eden-live…c5d6',
      last4: 'c5d6',
      label: 'New style',
      revoked: false,
      secret_hash: 'must-not-be-kept',
    });
    const token = await client().get('new-style');
    expect(token).toEqual({
      name: 'new-style',
      tokenType: 'api_token',
      balance: 12.5,
      activeBalance: true,
      expireTime: new Date('2026-03-04T16:03:29.123Z'),
      balanceResetPeriod: 'monthly',
      balanceResetAmount: 20,
      masked: 'sk-eden-live…c5d6',
      last4: 'c5d6',
      extra: { label: 'New style' },
    });
  });

  it('honours a baseUrl with a trailing slash and another version', async () => {
    nock('http://eu.example').get('/v9/user/custom_token/').reply(200, []);
    await expect(client({ baseUrl: 'http://eu.example/v9/' }).list()).resolves.toEqual([]);
  });
});

describe('update and delete', () => {
  it('PATCHes numbers (not strings) and null expiry', async () => {
    let body: unknown;
    api()
      .patch('/v2/user/custom_token/prod-web-app/', (b) => {
        body = b;
        return true;
      })
      .reply(200, { ...wireToken, balance: 200, token: undefined });
    const token = await client().update('prod-web-app', {
      balance: 200,
      activeBalance: true,
      expireTime: null,
      balanceResetPeriod: 'weekly',
      balanceResetAmount: 15.5,
    });
    expect(body).toEqual({
      balance: 200,
      active_balance: true,
      expire_time: null,
      balance_reset_period: 'weekly',
      balance_reset_amount: 15.5,
    });
    expect(token.balance).toBe(200);
  });

  it('DELETE answers 204 with no body', async () => {
    api().delete('/v2/user/custom_token/prod-web-app/').reply(204);
    await expect(client().delete('prod-web-app')).resolves.toBeUndefined();
  });
});
