import type { JsonValue } from 'type-fest';
import type { StateStore } from '../../ports/stores.js';
import * as assert from './assert.js';
import { fencedTakeover } from './fencing.js';
import { casIncrements, isConflict, rejectsWithConflict, type SuiteOptions, storeTest } from './harness.js';

/**
 * Options of `stateStoreConformance` (the common suite options).
 *
 * @example
 * stateStoreConformance({ name: 'RedisStateStore', create, cleanup, describe, it, concurrency: 16 });
 */
export interface StateStoreConformanceOptions<S extends StateStore = StateStore> extends SuiteOptions<S> {}

/**
 * The behaviour every `StateStore` must have, as tests for your framework: JSON round trips,
 * copies in and out, versions, compare-and-set on set and delete, sorted listing, concurrent
 * writers without lost updates, unicode and large values, and the rotation lock's fencing (a real
 * rotation on the fake Eden AI, whose paused holder must be refused after a takeover). Throws plain assertion errors, so it
 * runs under any test runner, on any runtime.
 *
 * @example
 * import { describe, it } from 'vitest';
 * import { stateStoreConformance } from 'edenai-token-manager/testing';
 *
 * stateStoreConformance({ name: 'RedisStateStore', create: () => new RedisStateStore(redis), describe, it });
 */
export function stateStoreConformance<S extends StateStore>(options: StateStoreConformanceOptions<S>): void {
  const test = (title: string, body: (store: S) => Promise<void>) => storeTest(options, title, body);

  options.describe(`${options.name} (StateStore conformance)`, () => {
    test('get of a missing key is undefined', async (store) => {
      assert.equal(await store.get('missing'), undefined);
    });

    test('JSON values round-trip, null included', async (store) => {
      const values: JsonValue[] = [
        { step: 'promoted', generation: 2, tokens: ['a', 'b'], nested: { ok: true, none: null } },
        [1, 'two', { three: 3 }],
        'text',
        42.5,
        false,
        null,
      ];
      for (const [i, value] of values.entries()) {
        const { version } = await store.set(`k${i}`, value);
        const entry = await store.get(`k${i}`);
        assert.ok(entry, `value ${i} was not stored`);
        assert.deepEqual(entry.value, value);
        assert.equal(entry.version, version);
      }
    });

    test('stored state cannot be mutated through the objects passed in or returned', async (store) => {
      const value = { list: [1, 2], inner: { n: 1 } };
      await store.set('k', value);
      value.list.push(3);
      value.inner.n = 99;
      const read = await store.get<{ list: number[]; inner: { n: number } }>('k');
      assert.deepEqual(read?.value, { list: [1, 2], inner: { n: 1 } });
      read!.value.list.push(4);
      assert.deepEqual((await store.get('k'))?.value, { list: [1, 2], inner: { n: 1 } });
    });

    test('every write gives a new version, never reused after delete', async (store) => {
      const seen = new Set<string>();
      for (const value of [1, 2, 2]) {
        const { version } = await store.set('k', value);
        assert.ok(typeof version === 'string' && version.length > 0, 'version is a non-empty string');
        assert.ok(!seen.has(version), `version ${version} was reused`);
        seen.add(version);
      }
      await store.delete('k');
      assert.ok(!seen.has((await store.set('k', 3)).version), 'a recreated entry reused an old version');
    });

    test('set with the current version succeeds; a stale one conflicts and changes nothing', async (store) => {
      const v1 = (await store.set('k', { n: 1 })).version;
      const v2 = (await store.set('k', { n: 2 }, { ifVersion: v1 })).version;
      await rejectsWithConflict(store.set('k', { n: 3 }, { ifVersion: v1 }), 'set with a stale version');
      assert.deepEqual(await store.get('k'), { value: { n: 2 }, version: v2 });
    });

    test('ifVersion null creates only when absent', async (store) => {
      const { version } = await store.set('lock', { holder: 'a' }, { ifVersion: null });
      await rejectsWithConflict(
        store.set('lock', { holder: 'b' }, { ifVersion: null }),
        'set null on existing',
      );
      assert.deepEqual(await store.get('lock'), { value: { holder: 'a' }, version });
      await rejectsWithConflict(
        store.set('absent', 1, { ifVersion: version }),
        'set of an absent key with a version',
      );
      assert.equal(await store.get('absent'), undefined);
    });

    test('delete returns whether it deleted; a stale version conflicts and keeps the entry', async (store) => {
      const v1 = (await store.set('k', 1)).version;
      const v2 = (await store.set('k', 2)).version;
      await rejectsWithConflict(store.delete('k', { ifVersion: v1 }), 'delete with a stale version');
      assert.deepEqual(await store.get('k'), { value: 2, version: v2 });
      assert.equal(await store.delete('k', { ifVersion: v2 }), true);
      assert.equal(await store.get('k'), undefined);
      assert.equal(await store.delete('k'), false);
      await rejectsWithConflict(
        store.delete('k', { ifVersion: v2 }),
        'delete of a missing key with a version',
      );
    });

    test('list returns sorted keys, filtered by prefix', async (store) => {
      assert.deepEqual(await store.list(), []);
      for (const key of ['rotation/b', 'alerts/x', 'rotation/a', 'rotation-z', 'z']) await store.set(key, 1);
      assert.deepEqual(await store.list(), ['alerts/x', 'rotation-z', 'rotation/a', 'rotation/b', 'z']);
      assert.deepEqual(await store.list('rotation/'), ['rotation/a', 'rotation/b']);
      assert.deepEqual(await store.list('nothing/'), []);
      await store.delete('rotation/a');
      assert.deepEqual(await store.list('rotation/'), ['rotation/b']);
    });

    test('parallel writers with the same version: exactly one wins', async (store) => {
      const { version } = await store.set('lock', null);
      const n = options.concurrency ?? 8;
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => store.set('lock', { holder: i }, { ifVersion: version })),
      );
      const won = results.flatMap((r, i) =>
        r.status === 'fulfilled' ? [{ i, version: r.value.version }] : [],
      );
      assert.equal(won.length, 1, `${won.length} of ${n} writers won the same compare-and-set`);
      for (const r of results) if (r.status === 'rejected') assert.ok(isConflict(r.reason), String(r.reason));
      assert.deepEqual(await store.get('lock'), { value: { holder: won[0]!.i }, version: won[0]!.version });
    });

    test('compare-and-set increments from parallel writers lose no update', async (store) => {
      await store.set('counter', { count: 0 });
      const workers = options.concurrency ?? 8;
      const applied = await casIncrements(workers, 5, async () => {
        const current = await store.get<{ count: number }>('counter');
        try {
          await store.set('counter', { count: current!.value.count + 1 }, { ifVersion: current!.version });
          return 'applied';
        } catch (error) {
          if (isConflict(error)) return 'conflict';
          throw error;
        }
      });
      assert.equal(applied, workers * 5);
      assert.deepEqual((await store.get('counter'))?.value, { count: workers * 5 });
    });

    test('unicode keys and values', async (store) => {
      const key = 'rotation/ключ-🔑-名前';
      const value = { note: 'tök€n-✓-🔐-値', list: ['ü', '😀'] };
      await store.set(key, value);
      assert.deepEqual((await store.get(key))?.value, value);
      assert.deepEqual(await store.list('rotation/ключ'), [key]);
    });

    test('fenced rotation lock: a holder paused past its lease cannot write after a takeover', async (store) => {
      await fencedTakeover(store);
    });

    test('large values', async (store) => {
      const value = {
        items: Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `token-${i}`, ok: i % 2 === 0 })),
      };
      await store.set('large', value);
      assert.deepEqual((await store.get('large'))?.value, value);
    });
  });
}
