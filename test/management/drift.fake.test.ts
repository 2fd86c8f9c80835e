// Eden's v3 as its own docs tests see it (409 duplicates, 200 deletes, `total_count`) and as the
// reference describes it (400, 204, `count`, or `next` only): the client works against both, a
// lost create adopts only the key that carries its one-time marker, and legacy keys (`id: null`)
// are reported as unmanaged, never addressed by URL.

import {
  ManagementKeyBackend,
  ManagementKeyClient,
  MemorySecretStore,
  TokenRegistry,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI, type FakeV3Variants } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { api, client, useNock, wireKey } from './helpers.js';

let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(v3: FakeV3Variants = {}) {
  fake = await createFakeEdenAI({ listen: false, v3 });
  const options = { ...fake.managementClientOptions, retryDelay: () => 0 };
  return { fake, client: new ManagementKeyClient(options), other: new ManagementKeyClient(options) };
}

const VARIANTS: [string, FakeV3Variants][] = [
  ["Eden's tests (409, 200, total_count)", {}],
  ['the reference (400, 204, count)', { duplicateStatus: 400, deleteStatus: 204, pageCount: 'count' }],
  ['next only', { pageCount: 'next' }],
];

describe.each(VARIANTS)('v3 as %s', (_label, variants) => {
  it('lists every key across pages, revokes, and refuses a duplicate name once (name_taken)', async () => {
    const w = await start(variants);
    for (let i = 0; i < 5; i++) await w.client.create({ name: `k${i}` });
    expect((await w.client.list({ limit: 2 }).toArray()).map((k) => k.name)).toEqual([
      'k0',
      'k1',
      'k2',
      'k3',
      'k4',
    ]);
    const [first] = await w.client.list().toArray();
    await expect(w.client.revoke(first!.id!)).resolves.toBeUndefined();
    expect(w.fake.keys()[0]).toMatchObject({ name: 'k0', revoked: true });
    const before = w.fake.requests.length;
    await expect(w.client.create({ name: 'k1' })).rejects.toMatchObject({ code: 'name_taken' });
    // One POST: a duplicate is an answer, never retried.
    expect(w.fake.requests.slice(before).map((r) => r.method)).toEqual(['POST']);
  });
});

describe('a create whose answer was lost', () => {
  it('adopts the key that carries its marker: rotated once for a value, the marker removed', async () => {
    const w = await start();
    w.fake.inject({ kind: 'lostResponse', match: { method: 'POST', path: '/v3/manage/keys/' } });
    const key = await w.client.create({ name: 'prod-web-app', defaultTags: { team: 'payments' } });
    expect(key.secret.reveal()).toBe(w.fake.tokenValue('prod-web-app'));
    expect(key.defaultTags).toEqual({ team: 'payments' });
    expect(w.fake.keys()).toMatchObject([
      { name: 'prod-web-app', revoked: false, tags: { team: 'payments' } },
    ]);
    expect(w.fake.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, '{id}')}`)).toEqual([
      'POST /v3/manage/keys/',
      'GET /v3/manage/keys/',
      'POST /v3/manage/keys/{id}/rotate/',
      'PATCH /v3/manage/keys/{id}/',
    ]);
  });

  it.each<FakeV3Variants>([{}, { duplicateStatus: 400 }])(
    'never adopts a key someone else made with the name: name_taken, theirs untouched (%o)',
    async (variants) => {
      const w = await start(variants);
      const theirs = await w.other.create({ name: 'prod-web-app', defaultTags: { owner: 'someone-else' } });
      const value = w.fake.tokenValue('prod-web-app');
      // The POST fails with a 503 (possibly applied): the recovery looks, finds no marker, resends.
      w.fake.inject({ kind: 'status', status: 503, match: { method: 'POST', path: '/v3/manage/keys/' } });
      await expect(w.client.create({ name: 'prod-web-app' })).rejects.toMatchObject({
        code: 'name_taken',
        message: expect.stringContaining('not one this create made'),
      });
      expect(w.fake.tokenValue('prod-web-app')).toBe(value);
      expect(w.fake.keys()).toMatchObject([
        { id: theirs.id, revoked: false, tags: { owner: 'someone-else' } },
      ]);
      expect(w.fake.requests.some((r) => r.path.includes('/rotate/') || r.method === 'DELETE')).toBe(false);
    },
  );
});

describe('legacy keys (id: null)', () => {
  useNock();

  it('are listed as unmanaged with a note, never addressed by URL', async () => {
    api()
      .get('/v3/manage/keys/')
      .query(true)
      .reply(200, {
        total_count: 2,
        next: null,
        results: [wireKey({ id: null, name: 'prod-legacy' }), wireKey()],
      });
    const backend = new ManagementKeyBackend({ client: client() });
    const registry = new TokenRegistry({
      backend,
      secrets: new MemorySecretStore(),
      environments: { prod: {} },
    });
    const { managed, unmanaged } = await registry.snapshot();
    expect(managed.map((t) => t.name)).toEqual(['prod-web-app']);
    expect(unmanaged).toEqual([
      expect.objectContaining({ name: 'prod-legacy', unmanageable: expect.stringMatching(/regenerate it/) }),
    ]);
    // No mock for any /manage/keys/{id}/ URL: nothing was addressed (useNock fails on extras).
  });
});
