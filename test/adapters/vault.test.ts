import { inspect } from 'node:util';
import {
  APIConnectionError,
  APITimeoutError,
  ConfigurationError,
  InternalServerError,
  InvalidInputError,
  PermissionDeniedError,
  VersionConflictError,
} from 'edenai-token-manager';
import { secretStoreConformance } from 'edenai-token-manager/testing';
import { VaultKvStore, type VaultKvStoreOptions } from 'edenai-token-manager/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeVault, type FakeVault } from '../fixtures/fake-vault.js';

let fake: FakeVault;
let run = 0;
const TOKEN = 'hvs.root-token-do-not-show';
beforeAll(async () => {
  fake = await createFakeVault({
    tokens: { [TOKEN]: 'write', 'hvs.read-only': 'read' },
    mounts: { secret: {}, 'kv/strict': { casRequired: true } },
  });
});
afterAll(() => fake.close());

/** A store in its own folder of the shared fake, so tests never see each other's entries. */
const store = (options: VaultKvStoreOptions = {}) =>
  new VaultKvStore({ address: fake.address, token: TOKEN, pathPrefix: `t${++run}/`, ...options });
/** The folder the last `store()` writes into. */
const folder = () => `t${run}/`;
const VALUE = 'tok_live_vault_5e1a77';
const since = (mark: number) => fake.requests.slice(mark);
const slow = (name: string, body: () => Promise<void>) => it(name, body, 60_000);

secretStoreConformance({ name: 'VaultKvStore', create: () => store(), describe, it: slow });
secretStoreConformance({
  name: "VaultKvStore (deleteMode: 'destroy', namespace)",
  create: () => store({ deleteMode: 'destroy', namespace: 'team-a/' }),
  describe,
  it: slow,
});
secretStoreConformance({
  name: 'VaultKvStore (a cas_required mount)',
  create: () => store({ mount: 'kv/strict', pathPrefix: `strict${++run}/` }),
  describe,
  it: slow,
});

describe('VaultKvStore on the wire', () => {
  it('writes { value, metadata } to {mount}/data/{pathPrefix}{key} with cas; versions are KV versions', async () => {
    const s = store({ pathPrefix: 'edenai/' });
    const mark = fake.requests.length;
    const { version } = await s.set('prod/web-app', VALUE, { ifVersion: null, metadata: { generation: 1 } });
    expect(version).toBe('1');
    expect(since(mark)[0]).toMatchObject({
      method: 'POST',
      path: 'secret/data/edenai/prod/web-app',
      body: { options: { cas: 0 }, data: { value: VALUE, metadata: { generation: 1 } } },
      hasToken: true,
    });
    expect((await s.set('prod/web-app', 'next', { ifVersion: '1' })).version).toBe('2');
    expect(since(mark)[1]?.body).toMatchObject({ options: { cas: 1 } });
    const unconditional = await s.set('prod/web-app', 'third');
    expect(unconditional.version).toBe('3');
    expect(since(mark)[2]?.body).not.toHaveProperty('options');
  });

  it('sends X-Vault-Namespace and keeps namespaces apart', async () => {
    const a = store({ namespace: 'team-a/' });
    const b = store({ namespace: 'team-b/', pathPrefix: folder() });
    await a.set('k', VALUE);
    expect(fake.requests.at(-1)?.namespace).toBe('team-a/');
    expect(await b.get('k')).toBeUndefined();
    expect(fake.keys('secret', 'team-a').size).toBeGreaterThan(0);
  });

  it('soft delete: a tombstone written with cas, then both versions marked deleted; numbers keep growing', async () => {
    const s = store();
    const prefix = folder();
    await s.set('k', VALUE);
    const mark = fake.requests.length;
    expect(await s.delete('k', { ifVersion: '1' })).toBe(true);
    expect(since(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET secret/metadata/${prefix}k`,
      `POST secret/data/${prefix}k`,
      `POST secret/delete/${prefix}k`,
    ]);
    expect(since(mark)[1]?.body).toMatchObject({ options: { cas: 1 } });
    expect(since(mark)[2]?.body).toEqual({ versions: [1, 2] });
    const key = fake.keys('secret').get(`${prefix}k`)!;
    expect(key.versions.get(1)?.data).toMatchObject({ value: VALUE }); // recoverable: soft
    expect(key.versions.get(1)?.deletion_time).not.toBe('');
    expect(await s.get('k')).toBeUndefined();
    expect(await s.list()).toEqual([]);
    await expect(s.set('k', 'stale', { ifVersion: '1' })).rejects.toBeInstanceOf(VersionConflictError);
    expect((await s.set('k', 'again', { ifVersion: null })).version).toBe('3');
  });

  it("deleteMode 'destroy' erases every version's data", async () => {
    const s = store({ deleteMode: 'destroy' });
    const prefix = folder();
    await s.set('k', 'one');
    await s.set('k', 'two');
    await s.delete('k');
    const key = fake.keys('secret').get(`${prefix}k`)!;
    for (const v of key.versions.values()) expect(v).toMatchObject({ destroyed: true, data: null });
    expect(await s.get('k')).toBeUndefined();
  });

  it('a write that lands between the read and the tombstone makes a versioned delete conflict', async () => {
    const s = store();
    const other = store({ pathPrefix: folder() });
    await s.set('k', VALUE);
    fake.before = async (method, path) => {
      if (method === 'POST' && path.includes('/data/')) {
        fake.before = undefined;
        await other.set('k', 'from-the-other-writer');
      }
    };
    await expect(s.delete('k', { ifVersion: '1' })).rejects.toMatchObject({ expected: '1', actual: '2' });
    expect((await s.get('k'))?.value.reveal()).toBe('from-the-other-writer');
  });

  it('a half-done delete (tombstone written, not yet marked) still reads as absent and can be recreated', async () => {
    const s = store();
    await s.set('k', VALUE);
    fake.inject({ path: '/delete/', status: 500, errors: ['internal error'] }); // the tombstone stays live
    await expect(s.delete('k')).rejects.toBeInstanceOf(InternalServerError);
    expect(await s.get('k')).toBeUndefined();
    expect((await s.set('k', 'new', { ifVersion: null })).version).toBe('3');
  });

  it('list walks only the folders under the prefix', async () => {
    const s = store();
    for (const key of ['prod/a', 'prod/deep/b', 'prod-x', 'dev/a', 'z']) await s.set(key, VALUE);
    expect(await s.list()).toEqual(['dev/a', 'prod-x', 'prod/a', 'prod/deep/b', 'z']);
    const mark = fake.requests.length;
    expect(await s.list('pro')).toEqual(['prod-x', 'prod/a', 'prod/deep/b']);
    const listed = since(mark)
      .filter((r) => r.method === 'LIST')
      .map((r) => r.path.replace(/^.*?t\d+\//, ''));
    expect(listed.sort()).toEqual(['', 'prod/', 'prod/deep/']);
    expect(await s.list('prod/d')).toEqual(['prod/deep/b']);
    expect(await s.list('a//b')).toEqual([]);
  });

  it('percent-encodes path segments', async () => {
    const s = store();
    const key = 'prod/we?ird#key %2F';
    await s.set(key, VALUE);
    expect((await s.get(key))?.value.reveal()).toBe(VALUE);
    expect(await s.list('prod/')).toEqual([key]);
  });

  it('rejects keys Vault would read as folders or relative paths, before any request', async () => {
    const s = store();
    const mark = fake.requests.length;
    for (const key of ['/a', 'a/', 'a//b', '../a', 'a/./b', ''])
      await expect(s.set(key, VALUE)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.set('k', VALUE, { ifVersion: 7 as never })).rejects.toBeInstanceOf(InvalidInputError);
    expect(fake.requests.length).toBe(mark);
  });

  it('a stale or foreign version string is a conflict', async () => {
    const s = store();
    await s.set('k', VALUE);
    await expect(s.set('k', 'x', { ifVersion: 'not-a-version' })).rejects.toMatchObject({ actual: '1' });
  });

  it('says clearly when the token may not write, without showing the token or the value', async () => {
    const s = store({ token: 'hvs.read-only' });
    const error = await s.set('k', VALUE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as Error).message).toMatch(
      /^403 Vault denied the request \(.*permission denied.*\): check that the token/s,
    );
    const bad = store({ token: TOKEN.replace('root', 'wrong') });
    const denied = await bad.get('k').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    for (const e of [error, denied])
      for (const text of [(e as Error).message, JSON.stringify(e), inspect(e, { depth: 4 })]) {
        expect(text).not.toContain('hvs.');
        expect(text).not.toContain(VALUE);
      }
    const s2 = store();
    expect(`${s2} ${JSON.stringify(s2)} ${inspect(s2, { depth: 5 })}`).not.toContain(TOKEN);
  });

  it('says clearly when Vault is sealed', async () => {
    fake.sealed = true;
    try {
      const error = await store()
        .get('k')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error).toMatchObject({ status: 503 });
      expect((error as Error).message).toMatch(
        /^503 Vault is sealed: unseal it \(vault operator unseal\) and retry/,
      );
    } finally {
      fake.sealed = false;
    }
  });

  it('network failures and timeouts are connection errors', async () => {
    const refused = new VaultKvStore({ address: 'http://127.0.0.1:9', token: TOKEN });
    await expect(refused.get('k')).rejects.toBeInstanceOf(APIConnectionError);
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    const slowVault = new VaultKvStore({
      address: fake.address,
      token: TOKEN,
      fetch: () => Promise.reject(timeout),
    });
    await expect(slowVault.get('k')).rejects.toBeInstanceOf(APITimeoutError);
  });

  it('asks the token function on every request (renewed tokens)', async () => {
    let calls = 0;
    const s = store({
      token: async () => {
        calls++;
        return TOKEN;
      },
    });
    await s.set('k', VALUE);
    await s.get('k');
    expect(calls).toBe(2);
  });

  it('a secret written by another tool without a "value" field is a clear error', async () => {
    const s = store();
    const prefix = folder();
    await fetch(`${fake.address}/v1/secret/data/${prefix}legacy`, {
      method: 'POST',
      headers: { 'X-Vault-Token': TOKEN },
      body: JSON.stringify({ data: { api_key: 'x' } }),
    });
    await expect(s.get('legacy')).rejects.toThrow(/has no "value" field/);
  });

  it('validates options at construction', () => {
    const ok = { address: 'http://127.0.0.1:8200', token: 't' };
    expect(() => new VaultKvStore({ ...ok, address: 'vault:8200' })).toThrow(ConfigurationError);
    expect(() => new VaultKvStore({ ...ok, token: '' })).toThrow(/token/);
    expect(() => new VaultKvStore({ ...ok, pathPrefix: 'no-slash' })).toThrow(/pathPrefix/);
    expect(() => new VaultKvStore({ ...ok, deleteMode: 'hard' as never })).toThrow(/deleteMode/);
    expect(() => new VaultKvStore({ ...ok, mount: 'a//b' })).toThrow(/mount/);
    expect(() => new VaultKvStore({ ...ok, tokn: 'x' } as never)).toThrow(/unknown option "tokn"/);
    expect(new VaultKvStore({ ...ok, mount: '/kv/' }).toString()).toBe(
      'VaultKvStore(http://127.0.0.1:8200 kv/)',
    );
  });
});
