import { Secret } from '../../core/secret.js';
import type { SecretStore } from '../../ports/stores.js';
import * as assert from './assert.js';
import { casIncrements, isConflict, rejectsWithConflict, type SuiteOptions, storeTest } from './harness.js';

/**
 * Options of `secretStoreConformance`.
 *
 * @example
 * secretStoreConformance({ name: 'EnvStore', readOnly: true, entries: { web: 'tok_1' }, create, describe, it });
 */
export interface SecretStoreConformanceOptions<S extends SecretStore = SecretStore> extends SuiteOptions<S> {
  /** The store cannot be written: run the read checks against `entries`, and check writes throw. */
  readOnly?: boolean;
  /** Read-only stores: the entries `create()` returns already holding (key → value). */
  entries?: Record<string, string>;
  /** Size of the large-value check in characters. Default 256 KiB. */
  largeValueSize?: number;
  /**
   * The compare-and-set guarantee to test: the one the store declares in `capabilities` (default
   * `'atomic'`). Of writers racing with the same version, a `'best-effort'` store may let several win:
   * the suite then checks that each one wins or conflicts and that a winner's value stays, and skips
   * the lost-update check.
   */
  compareAndSet?: 'atomic' | 'best-effort';
}

const VALUE = 'tok_live_conformance_7f3a9c';

/**
 * What `console.log` shows of `value` where the runtime has node:util (Node, Bun, Deno); JSON
 * elsewhere. Loaded on use, in a try block that bundlers leave unresolved, so the suites load on
 * Workers and edge runtimes too.
 */
async function inspected(value: unknown): Promise<string> {
  try {
    return (await import('node:util')).inspect(value, { depth: 5 });
  } catch {
    return JSON.stringify(value);
  }
}

// Not `instanceof`: the store may have loaded its own copy of `Secret` (ESM vs CJS builds).
const isSecretLike = (value: unknown) =>
  typeof (value as Secret | undefined)?.reveal === 'function' &&
  typeof (value as Secret).fingerprint === 'string';

/**
 * The behaviour every `SecretStore` must have, as tests for your framework: get/set round trips
 * returning `Secret`s, versions, compare-and-set on set and delete, metadata, sorted listing,
 * concurrent writers without lost updates, unicode and large values. Throws plain assertion
 * errors, so it runs under any test runner, on any runtime.
 *
 * @example
 * import { describe, it } from 'vitest';
 * import { secretStoreConformance } from 'edenai-token-manager/testing';
 *
 * secretStoreConformance({ name: 'VaultSecretStore', create: () => new VaultSecretStore(testConfig), describe, it });
 */
export function secretStoreConformance<S extends SecretStore>(
  options: SecretStoreConformanceOptions<S>,
): void {
  options.describe(`${options.name} (SecretStore conformance)`, () => {
    if (options.readOnly) readOnlyChecks(options);
    else writableChecks(options);
  });
}

function readOnlyChecks<S extends SecretStore>(o: SecretStoreConformanceOptions<S>) {
  const entries = Object.entries(o.entries ?? {});
  storeTest(o, 'get of a missing key is undefined', async (store) => {
    assert.equal(await store.get('conformance/definitely-missing-key'), undefined);
  });
  storeTest(o, 'get returns each entry as a Secret with a version', async (store) => {
    for (const [key, value] of entries) {
      const entry = await store.get(key);
      assert.ok(entry, `entry ${key} is missing`);
      assert.ok(isSecretLike(entry.value), 'value is a Secret');
      assert.equal(entry.value.reveal(), value);
      assert.ok(
        typeof entry.version === 'string' && entry.version.length > 0,
        'version is a non-empty string',
      );
      assert.ok(!JSON.stringify(entry).includes(value), 'JSON.stringify(entry) shows the value');
    }
  });
  storeTest(o, 'list is sorted, includes every entry and filters by prefix', async (store) => {
    const keys = await store.list();
    assert.deepEqual(keys, [...keys].sort());
    for (const [key] of entries) {
      assert.ok(keys.includes(key), `list() lacks ${key}`);
      assert.ok((await store.list(key)).includes(key), `list(${key}) lacks it`);
    }
    assert.deepEqual(await store.list('conformance/definitely-missing-'), []);
  });
  storeTest(o, 'writes throw and change nothing', async (store) => {
    const [key, value] = entries[0] ?? ['conformance/read-only', VALUE];
    const before = await store.get(key);
    await assert.rejects(store.set(key, 'another-value'));
    await assert.rejects(store.delete(key));
    const after = await store.get(key);
    assert.equal(after?.value.reveal(), before?.value.reveal());
    assert.equal(after?.version, before?.version);
    if (before) assert.equal(after?.value.reveal(), value);
  });
}

function writableChecks<S extends SecretStore>(o: SecretStoreConformanceOptions<S>) {
  const test = (title: string, body: (store: S) => Promise<void>) => storeTest(o, title, body);

  test('get of a missing key is undefined', async (store) => {
    assert.equal(await store.get('missing'), undefined);
  });

  test('set then get returns a Secret that reveals the value and never prints it', async (store) => {
    const { version } = await store.set('app/one', VALUE);
    const entry = await store.get('app/one');
    assert.ok(entry, 'entry was not stored');
    assert.ok(isSecretLike(entry.value), 'value is a Secret');
    assert.equal(entry.value.reveal(), VALUE);
    assert.equal(entry.version, version);
    assert.ok(!JSON.stringify(entry).includes(VALUE), 'JSON.stringify(entry) shows the value');
    assert.ok(!(await inspected(entry)).includes(VALUE), 'util.inspect(entry) shows the value');
    await store.set('app/two', new Secret(`${VALUE}-2`));
    assert.equal(
      (await store.get('app/two'))?.value.reveal(),
      `${VALUE}-2`,
      'a Secret argument is stored too',
    );
  });

  test('every write gives a new version, never reused after delete', async (store) => {
    const seen = new Set<string>();
    for (const value of ['v1', 'v2', 'v2']) {
      const { version } = await store.set('k', value);
      assert.ok(typeof version === 'string' && version.length > 0, 'version is a non-empty string');
      assert.ok(!seen.has(version), `version ${version} was reused`);
      seen.add(version);
    }
    await store.delete('k');
    const { version } = await store.set('k', 'v3');
    assert.ok(!seen.has(version), 'a recreated entry reused an old version');
  });

  test('set with the current version succeeds; a stale one conflicts and changes nothing', async (store) => {
    const v1 = (await store.set('k', 'first')).version;
    const v2 = (await store.set('k', 'second', { ifVersion: v1 })).version;
    await rejectsWithConflict(store.set('k', 'third', { ifVersion: v1 }), 'set with a stale version');
    const entry = await store.get('k');
    assert.equal(entry?.value.reveal(), 'second');
    assert.equal(entry?.version, v2);
  });

  test('ifVersion null creates only when absent', async (store) => {
    const { version } = await store.set('k', VALUE, { ifVersion: null });
    await assert.rejects(store.set('k', 'other', { ifVersion: null }), (error: unknown) => {
      assert.ok(isConflict(error), `expected a VersionConflictError, got ${String(error)}`);
      assert.ok(!String((error as Error).message).includes(VALUE), 'the error message shows the value');
      return true;
    });
    assert.equal((await store.get('k'))?.value.reveal(), VALUE);
    assert.equal((await store.get('k'))?.version, version);
    await rejectsWithConflict(
      store.set('absent', 'x', { ifVersion: version }),
      'set of an absent key with a version',
    );
    assert.equal(await store.get('absent'), undefined);
  });

  test('delete returns whether it deleted; a stale version conflicts and keeps the entry', async (store) => {
    const v1 = (await store.set('k', 'first')).version;
    const v2 = (await store.set('k', 'second')).version;
    await rejectsWithConflict(store.delete('k', { ifVersion: v1 }), 'delete with a stale version');
    assert.equal((await store.get('k'))?.version, v2);
    assert.equal(await store.delete('k', { ifVersion: v2 }), true);
    assert.equal(await store.get('k'), undefined);
    assert.equal(await store.delete('k'), false);
    await rejectsWithConflict(store.delete('k', { ifVersion: v2 }), 'delete of a missing key with a version');
    await store.set('plain', 'x');
    assert.equal(await store.delete('plain'), true);
  });

  test('metadata round-trips and is replaced by the next write', async (store) => {
    const metadata = { environment: 'prod', generation: 3, rotated: true, note: null };
    await store.set('k', VALUE, { metadata });
    const entry = await store.get('k');
    assert.deepEqual(entry?.metadata, metadata);
    if (entry?.metadata) entry.metadata['environment'] = 'mutated';
    assert.equal((await store.get('k'))?.metadata?.['environment'], 'prod', 'returned metadata is a copy');
    await store.set('k', 'next');
    const metadataAfter = (await store.get('k'))?.metadata;
    assert.ok(
      metadataAfter === undefined || Object.keys(metadataAfter).length === 0,
      'old metadata was kept',
    );
  });

  test('list returns sorted keys, filtered by prefix', async (store) => {
    assert.deepEqual(await store.list(), []);
    for (const key of ['prod/b', 'dev/a', 'prod/a', 'prod-x', 'z']) await store.set(key, VALUE);
    assert.deepEqual(await store.list(), ['dev/a', 'prod-x', 'prod/a', 'prod/b', 'z']);
    assert.deepEqual(await store.list('prod/'), ['prod/a', 'prod/b']);
    assert.deepEqual(await store.list('nothing/'), []);
    await store.delete('prod/a');
    assert.deepEqual(await store.list('prod/'), ['prod/b']);
  });

  const atomic = (o.compareAndSet ?? 'atomic') === 'atomic';
  const parallel = atomic ? 'exactly one wins' : "each wins or conflicts, and a winner's value stays";
  test(`parallel writers with the same version: ${parallel}`, async (store) => {
    const declared = store.capabilities?.compareAndSet ?? 'atomic';
    assert.equal(
      declared,
      o.compareAndSet ?? 'atomic',
      'the store declares another compare-and-set guarantee',
    );
    const { version } = await store.set('k', '0');
    const n = o.concurrency ?? 8;
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => store.set('k', `writer-${i}`, { ifVersion: version })),
    );
    const won = results.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ i, version: r.value.version }] : [],
    );
    if (atomic) assert.equal(won.length, 1, `${won.length} of ${n} writers won the same compare-and-set`);
    else assert.ok(won.length >= 1, 'no writer won');
    for (const r of results) if (r.status === 'rejected') assert.ok(isConflict(r.reason), String(r.reason));
    const entry = await store.get('k');
    const winner = won.find((w) => entry?.version === w.version);
    assert.ok(winner, `the entry is at version ${entry?.version}, which no winning writer wrote`);
    assert.equal(entry?.value.reveal(), `writer-${winner.i}`);
  });

  if (atomic)
    test('compare-and-set increments from parallel writers lose no update', async (store) => {
      await store.set('counter', '0');
      const workers = o.concurrency ?? 8;
      const applied = await casIncrements(workers, 5, async () => {
        const current = await store.get('counter');
        try {
          await store.set('counter', String(Number(current!.value.reveal()) + 1), {
            ifVersion: current!.version,
          });
          return 'applied';
        } catch (error) {
          if (isConflict(error)) return 'conflict';
          throw error;
        }
      });
      assert.equal(applied, workers * 5);
      assert.equal((await store.get('counter'))?.value.reveal(), String(workers * 5));
    });

  test('unicode keys and values', async (store) => {
    const key = 'prod/ключ-🔑-名前';
    const value = 'tök€n-✓-🔐-値';
    await store.set(key, value);
    assert.equal((await store.get(key))?.value.reveal(), value);
    assert.deepEqual(await store.list('prod/ключ'), [key]);
  });

  test('large values', async (store) => {
    const size = o.largeValueSize ?? 256 * 1024;
    const value = Array.from({ length: size }, (_, i) => String.fromCharCode(33 + (i % 90))).join('');
    await store.set('large', value);
    assert.equal((await store.get('large'))?.value.reveal(), value);
  });
}
