import { inspect } from 'node:util';
import { ConfigurationError, InvalidInputError, VersionConflictError } from 'edenai-token-manager';
import { RedisStateStore } from 'edenai-token-manager/redis';
import { stateStoreConformance } from 'edenai-token-manager/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globEscape, loadIoRedis } from '../../src/stores/redis/store.js';
import { hasRedisServer, type RedisServer, startRedisServer } from '../fixtures/redis-server.js';

const available = hasRedisServer();
let server: RedisServer;
let shared: Redis;
let run = 0;

describe.skipIf(!available)('RedisStateStore (real redis-server)', () => {
  beforeAll(async () => {
    server = await startRedisServer();
    shared = new Redis(server.port, '127.0.0.1');
  });
  afterAll(async () => {
    await shared?.quit();
    await server?.stop();
  });

  /** Its own connection (closed by dispose) and prefix. */
  const owned = (extra: object = {}) =>
    new RedisStateStore({ redis: { port: server.port, host: '127.0.0.1' }, prefix: `t${++run}:`, ...extra });

  stateStoreConformance({ name: 'RedisStateStore', create: () => owned(), describe, it });
  stateStoreConformance({
    name: 'RedisStateStore (a client passed in)',
    create: () => new RedisStateStore({ redis: shared, prefix: `s${++run}:` }),
    describe,
    it,
  });

  it('stores one hash { v, d } per key under the prefix', async () => {
    const store = owned();
    const { version } = await store.set('rotation/prod-web-app', { step: 'created' });
    expect(await shared.hgetall(`${store.prefix}rotation/prod-web-app`)).toEqual({
      v: version,
      d: '{"step":"created"}',
    });
    await store.dispose();
  });

  it('ttlMs makes a write expire; a later write without it makes the entry permanent', async () => {
    const store = owned();
    const key = `${store.prefix}rotation/lock/a`;
    const { version } = await store.set(
      'rotation/lock/a',
      { holder: 'p1' },
      { ifVersion: null, ttlMs: 90_000 },
    );
    const ttl = await shared.pttl(key);
    expect(ttl).toBeGreaterThan(80_000);
    expect(ttl).toBeLessThanOrEqual(90_000);
    await store.set('rotation/lock/a', { holder: 'p1' }, { ifVersion: version });
    expect(await shared.pttl(key)).toBe(-1);
    // Expiry itself is Redis's job (no waiting here): an expired entry reads as absent and can be re-created.
    await shared.del(key);
    expect(await store.get('rotation/lock/a')).toBeUndefined();
    await store.set('rotation/lock/a', { holder: 'p2' }, { ifVersion: null });
    await store.dispose();
  });

  it('ttlByPrefix gives matching keys a default TTL (longest prefix wins)', async () => {
    const store = owned({ ttlByPrefix: { 'rotation/': 500_000, 'rotation/lock/': 60_000 } });
    await store.set('rotation/lock/x', 1);
    await store.set('rotation/journal/x', 1);
    await store.set('alerts/x', 1);
    await store.set('rotation/lock/y', 1, { ttlMs: 5_000 });
    const ttl = (k: string) => shared.pttl(`${store.prefix}${k}`);
    expect(await ttl('rotation/lock/x')).toBeLessThanOrEqual(60_000);
    expect(await ttl('rotation/journal/x')).toBeGreaterThan(60_000);
    expect(await ttl('alerts/x')).toBe(-1);
    expect(await ttl('rotation/lock/y')).toBeLessThanOrEqual(5_000);
    await store.dispose();
  });

  it('list matches glob characters in keys literally', async () => {
    const store = owned();
    for (const key of ['a*b', 'a?c', 'a[1]', 'ab', 'a\\d']) await store.set(key, 1);
    expect(await store.list('a*')).toEqual(['a*b']);
    expect(await store.list('a[')).toEqual(['a[1]']);
    expect(await store.list('a\\')).toEqual(['a\\d']);
    expect(await store.list('a')).toEqual(['a*b', 'a?c', 'a[1]', 'a\\d', 'ab']);
    expect(globEscape('a*?[]\\^')).toBe('a\\*\\?\\[\\]\\\\\\^');
    await store.dispose();
  });

  it("respects the client's own keyPrefix", async () => {
    const client = new Redis({ port: server.port, host: '127.0.0.1', keyPrefix: 'app:' });
    const store = new RedisStateStore({ redis: client, prefix: `k${++run}:` });
    await store.set('x/1', 1);
    expect(await shared.exists(`app:${store.prefix}x/1`)).toBe(1);
    expect(await store.list('x/')).toEqual(['x/1']);
    await client.quit();
  });

  it('reloads its scripts after SCRIPT FLUSH', async () => {
    const store = owned();
    const { version } = await store.set('k', 1);
    await shared.script('FLUSH');
    await store.set('k', 2, { ifVersion: version });
    await expect(store.set('k', 3, { ifVersion: version })).rejects.toBeInstanceOf(VersionConflictError);
    await shared.script('FLUSH');
    expect(await store.delete('k')).toBe(true);
    await store.dispose();
  });

  it('rejects bad input and writes nothing', async () => {
    const store = owned();
    await expect(store.set('k', { when: new Date() } as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.set('k', 1, { ttlMs: 0 })).rejects.toThrow(/ttlMs must be a whole number/);
    await expect(store.set('k', 1, { ttlMs: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.set('', 1)).rejects.toBeInstanceOf(InvalidInputError);
    expect(await store.list()).toEqual([]);
    await store.dispose();
  });

  it('dispose closes the connection it opened, never one passed in', async () => {
    const name = `owned-${++run}`;
    const connections = async () =>
      String(await shared.client('LIST'))
        .split('\n')
        .filter((l) => l.includes(`name=${name} `));
    const store = new RedisStateStore({
      redis: { port: server.port, host: '127.0.0.1', connectionName: name },
    });
    await store.set(`k${run}`, 1);
    expect(await connections()).toHaveLength(1);
    await store.dispose();
    expect(await connections()).toHaveLength(0);
    const passed = new RedisStateStore({ redis: shared, prefix: `p${++run}:` });
    await passed.set('k', 1);
    await passed.dispose();
    expect(await shared.ping()).toBe('PONG');
    expect(shared.status).toBe('ready');
  });

  it('does not show a password from its connection URL', () => {
    const store = new RedisStateStore({ redis: 'redis://:hunter2-redis-pw@127.0.0.1:1/0' });
    expect(JSON.stringify(store)).not.toContain('hunter2');
    expect(inspect(store, { depth: 5 })).not.toContain('hunter2');
  });
});

describe('RedisStateStore without a server', () => {
  it('validates options at construction', () => {
    expect(() => new RedisStateStore({ prefix: 3 as never })).toThrow(ConfigurationError);
    expect(() => new RedisStateStore({ redis: 42 as never })).toThrow(ConfigurationError);
    expect(() => new RedisStateStore({ ttlByPrefix: { 'a/': -1 } })).toThrow(ConfigurationError);
    expect(() => new RedisStateStore({ url: 'x' } as never)).toThrow(/Unknown RedisStateStore option "url"/);
  });

  it('a missing ioredis is a ConfigurationError that says what to install', async () => {
    const missing = Object.assign(new Error("Cannot find package 'ioredis'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadIoRedis(() => Promise.reject(missing))).rejects.toThrow(
      new ConfigurationError('RedisStateStore needs ioredis: npm install ioredis'),
    );
  });
});
