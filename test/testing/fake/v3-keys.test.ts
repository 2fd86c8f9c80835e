// The fake's v3 Management API keys on the wire: shapes, one-time secrets, pagination, revoked
// keys, rename, rotate, and the token store shared with v2.

import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Answer, manualClock, request, setup, type Transport, tokenPath } from './helpers.js';

const KEYS = '/manage/keys/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const VALUE = /^sk-eden-fake-[0-9a-f]{32}$/;
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe.each<Transport>(['http', 'in-process'])('v3 keys over %s', (transport) => {
  const start = async (options = {}) => {
    const s = await setup(transport, options);
    fake = s.fake;
    const doFetch = transport === 'http' ? fetch : s.fake.fetch;
    /** A call to /v3 with the management key. */
    const v3 = (method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Answer> => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${s.fake.managementKey}`);
      const v3Fake = { ...s.fake, baseUrl: s.fake.v3BaseUrl } as FakeEdenAI;
      return request(doFetch, v3Fake, method, path, body, { ...init, headers });
    };
    return { ...s, v3 };
  };

  it('creates with 201: uuid id, balance as a decimal string, the secret once', async () => {
    const { v3 } = await start();
    const res = await v3('POST', KEYS, { name: 'prod-web-app', balance: '25', active_balance: true });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'prod-web-app',
      token_type: 'api_token',
      member: 'owner@fake-edenai.local',
      masked: expect.stringMatching(/^sk-eden-fake…[0-9a-f]{4}$/),
      active_balance: true,
      balance: '25.000000000',
      balance_reset_period: 'none',
      balance_reset_amount: null,
      expire_time: null,
      revoked: false,
      revoked_at: null,
      default_tags: {},
      secret: expect.stringMatching(VALUE),
    });
    expect(fake!.tokenValue('prod-web-app')).toBe(res.body.secret);
    const read = await v3('GET', `${KEYS}${res.body.id}/`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.text).not.toContain(res.body.secret);
    const { secret: _secret, ...rest } = res.body;
    expect(read.body).toEqual(rest);
  });

  it("mints like the guide's example: a periodic budget starts full", async () => {
    const { v3 } = await start();
    const res = await v3('POST', KEYS, {
      name: 'prod',
      balance_reset_period: 'monthly',
      balance_reset_amount: '25',
    });
    expect(res.body).toMatchObject({
      balance: '25.000000000',
      active_balance: true,
      balance_reset_amount: '25.000000000',
    });
  });

  it('refuses a duplicate live name, an expiry less than a day ahead and a bad member, changing nothing', async () => {
    const clock = manualClock('2026-01-15T12:00:00Z');
    const { v3 } = await start({ clock: clock.clock });
    await v3('POST', KEYS, { name: 'a' });
    const dup = await v3('POST', KEYS, { name: 'a' });
    // 409, as Eden's own docs tests expect (v2 answered 400).
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({
      error: { type: 'conflict', message: { name: ['Token with this name already exists.'] } },
    });
    const soon = await v3('POST', KEYS, { name: 'b', expire_time: '2026-01-16T06:00:00Z', member: 'x' });
    expect(soon.status).toBe(400);
    expect(soon.body.error.message).toEqual({
      expire_time: ['Ensure the expiry is at least one day in the future.'],
      member: ['Enter a valid email address.'],
    });
    expect((await v3('POST', KEYS, { name: 'c', expire_time: '2026-01-16T12:00:00Z' })).status).toBe(201);
    expect(fake!.keys().map((k) => k.name)).toEqual(['a', 'c']);
  });

  it('lists {total_count, next, previous, results} by limit/offset, at most 100 per page', async () => {
    const { v3 } = await start();
    for (let i = 0; i < 5; i++) await v3('POST', KEYS, { name: `k${i}` });
    const first = await v3('GET', `${KEYS}?limit=2`);
    expect(first.body.total_count).toBe(5);
    expect(first.body).not.toHaveProperty('count');
    expect(first.body.results.map((k: { name: string }) => k.name)).toEqual(['k0', 'k1']);
    expect(first.body.previous).toBeNull();
    expect(new URL(first.body.next).search).toBe('?limit=2&offset=2');
    const last = await v3('GET', `${KEYS}?limit=2&offset=4`);
    expect(last.body.results.map((k: { name: string }) => k.name)).toEqual(['k4']);
    expect(last.body.next).toBeNull();
    expect(new URL(last.body.previous).search).toBe('?limit=2&offset=2');
    expect(last.body.results[0]).not.toHaveProperty('secret');
    expect((await v3('GET', `${KEYS}?limit=500`)).body.results).toHaveLength(5);
  });

  it('PATCH changes policy fields and renames; the name stays unique', async () => {
    const { v3, call } = await start();
    const a = (await v3('POST', KEYS, { name: 'a', balance: '10' })).body;
    await v3('POST', KEYS, { name: 'b' });
    const res = await v3('PATCH', `${KEYS}${a.id}/`, { name: 'a-old', balance: '2.5', active_balance: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: a.id, name: 'a-old', balance: '2.500000000', active_balance: true });
    expect(res.body).not.toHaveProperty('secret');
    // The v2 view follows: same value, new name.
    expect((await call('GET', tokenPath('a-old'))).body.token).toBe(a.secret);
    expect((await call('GET', tokenPath('a'))).status).toBe(404);
    const clash = await v3('PATCH', `${KEYS}${a.id}/`, { name: 'b' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toEqual({ name: ['Token with this name already exists.'] });
  });

  it('rotates: same id and name, a new secret once, the old value gone', async () => {
    const { v3 } = await start();
    const a = (await v3('POST', KEYS, { name: 'a', balance: '10', active_balance: true })).body;
    const res = await v3('POST', `${KEYS}${a.id}/rotate/`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: a.id,
      name: 'a',
      balance: '10.000000000',
      secret: expect.stringMatching(VALUE),
    });
    expect(res.body.secret).not.toBe(a.secret);
    expect(fake!.tokenValue('a')).toBe(res.body.secret);
    expect(fake!.keys()).toHaveLength(1);
  });

  it('revokes with 200 and the revoked key: still listed (revoked, revoked_at), gone from v2 and from usage', async () => {
    const clock = manualClock('2026-01-15T12:00:00Z');
    const { v3, call } = await start({ clock: clock.clock });
    const a = (await v3('POST', KEYS, { name: 'a' })).body;
    clock.advance(1000);
    const res = await v3('DELETE', `${KEYS}${a.id}/`);
    expect(res.status).toBe(200);
    const read = await v3('GET', `${KEYS}${a.id}/`);
    expect(res.body).toEqual(read.body);
    expect(read.body).toMatchObject({ revoked: true, revoked_at: '2026-01-15T12:00:01Z' });
    expect((await v3('GET', KEYS)).body.results).toEqual([read.body]);
    expect((await call('GET', '/user/custom_token/')).body).toEqual([]);
    expect(fake!.simulateUsage({ token: 'a', cost: 1 })).toEqual({ ok: false, reason: 'unknown_token' });
    for (const [method, path] of [
      ['DELETE', `${KEYS}${a.id}/`],
      ['PATCH', `${KEYS}${a.id}/`],
      ['POST', `${KEYS}${a.id}/rotate/`],
    ] as const) {
      const again = await v3(method, path, method === 'PATCH' ? { balance: 1 } : undefined);
      expect(again.status, `${method} ${path}`).toBe(404);
      expect(again.body).toEqual({ details: 'Not Found' });
    }
    // The name is free again: a new key, a new id.
    const b = (await v3('POST', KEYS, { name: 'a' })).body;
    expect(b.id).not.toBe(a.id);
    expect(fake!.keys().map((k) => [k.name, k.revoked])).toEqual([
      ['a', true],
      ['a', false],
    ]);
  });

  it('unknown and malformed ids are 404', async () => {
    const { v3 } = await start();
    expect((await v3('GET', `${KEYS}00000000-0000-4000-8000-000000000000/`)).status).toBe(404);
    expect((await v3('GET', `${KEYS}%E0%A4%A/`)).status).toBe(404);
    expect((await v3('GET', `${KEYS}x/other/`)).status).toBe(404);
  });

  it('shares the token store with v2 both ways', async () => {
    const { v3, call } = await start();
    await call('POST', '/user/custom_token/', { name: 'from-v2', balance: '5', active_balance: true });
    const v3Created = (await v3('POST', KEYS, { name: 'from-v3' })).body;
    const listed = (await v3('GET', KEYS)).body.results;
    expect(listed.map((k: { name: string }) => k.name)).toEqual(['from-v2', 'from-v3']);
    expect(listed[0]).toMatchObject({
      id: expect.stringMatching(UUID),
      balance: '5.000000000',
      revoked: false,
    });
    // Ids are stable across reads.
    expect((await v3('GET', KEYS)).body.results[0].id).toBe(listed[0].id);
    expect((await call('GET', tokenPath('from-v3'))).body.token).toBe(v3Created.secret);
    // Usage by name drains a v3 key's budget like a v2 token's.
    await v3('PATCH', `${KEYS}${v3Created.id}/`, { balance: 3, active_balance: true });
    expect(fake!.simulateUsage({ token: 'from-v3', cost: 1 })).toEqual({ ok: true });
    expect((await v3('GET', `${KEYS}${v3Created.id}/`)).body.balance).toBe('2.000000000');
    // A v2 delete revokes the v3 key; a v2 re-create under the same name is another key.
    await call('DELETE', tokenPath('from-v2'));
    await call('POST', '/user/custom_token/', { name: 'from-v2' });
    const after = fake!.keys();
    expect(after.map((k) => [k.name, k.revoked])).toEqual([
      ['from-v2', true],
      ['from-v3', false],
      ['from-v2', false],
    ]);
    expect(after[2]!.id).not.toBe(listed[0].id);
  });

  it('answers the older variants when told: 400 duplicates, 204 deletes, `count` or `next` only', async () => {
    const { v3 } = await start({ v3: { duplicateStatus: 400, deleteStatus: 204, pageCount: 'count' } });
    const a = (await v3('POST', KEYS, { name: 'a' })).body;
    const dup = await v3('POST', KEYS, { name: 'a' });
    expect(dup.status).toBe(400);
    expect(dup.body.error).toEqual({
      type: 'validation_error',
      message: { name: ['Token with this name already exists.'] },
    });
    const page = (await v3('GET', KEYS)).body;
    expect(page.count).toBe(1);
    expect(page).not.toHaveProperty('total_count');
    const res = await v3('DELETE', `${KEYS}${a.id}/`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    await fake!.close();
    const other = await start({ v3: { pageCount: 'next' } });
    await other.v3('POST', KEYS, { name: 'b' });
    const bare = (await other.v3('GET', KEYS)).body;
    expect(bare).not.toHaveProperty('count');
    expect(bare).not.toHaveProperty('total_count');
    expect(bare.next).toBeNull();
  });

  it('keeps default_tags (keys lowercase), replaces them on PATCH and refuses bad ones with a 400', async () => {
    const { v3 } = await start();
    const a = (await v3('POST', KEYS, { name: 'a', default_tags: { Team: 'payments', env: 'prod' } })).body;
    expect(a.default_tags).toEqual({ team: 'payments', env: 'prod' });
    expect(fake!.keys()[0]!.tags).toEqual({ team: 'payments', env: 'prod' });
    const patched = await v3('PATCH', `${KEYS}${a.id}/`, { default_tags: { team: 'web' } });
    expect(patched.body.default_tags).toEqual({ team: 'web' });
    // Rotation keeps them.
    expect((await v3('POST', `${KEYS}${a.id}/rotate/`)).body.default_tags).toEqual({ team: 'web' });
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, 'v']));
    for (const bad of [
      { 'eden:x': 'v' },
      { team: 'a b' },
      { ['k'.repeat(65)]: 'v' },
      { t: '' },
      eleven,
      ['x'],
    ]) {
      const res = await v3('POST', KEYS, { name: 'b', default_tags: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.message).toHaveProperty('default_tags');
    }
    expect(fake!.keys().map((k) => k.name)).toEqual(['a']);
  });
});
