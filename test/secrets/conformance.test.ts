import type { SecretStore, StoredSecret, WriteOptions } from 'edenai-token-manager';
import { MemorySecretStore, Secret } from 'edenai-token-manager';
import { secretStoreConformance } from 'edenai-token-manager/testing';
import { describe, expect, it } from 'vitest';

/** Registers the suite into a list instead of a test runner, runs it, and returns what failed. */
async function failures(
  create: () => SecretStore,
  extra: { readOnly?: boolean; entries?: Record<string, string> } = {},
) {
  const tests: { name: string; body: () => Promise<void> }[] = [];
  secretStoreConformance({
    name: 'probe',
    create,
    describe: (_name, body) => body(),
    it: (name, body) => tests.push({ name, body }),
    ...extra,
  });
  const failed: string[] = [];
  for (const test of tests) await test.body().catch(() => failed.push(test.name));
  return { failed, count: tests.length };
}

/** A MemorySecretStore with one behaviour broken. */
class Broken extends MemorySecretStore {
  constructor(private readonly flaw: 'ignores-ifVersion' | 'leaks-value' | 'unsorted-list' | 'plain-string') {
    super();
  }
  override async set(key: string, value: Secret | string, options: WriteOptions = {}) {
    return super.set(
      key,
      value,
      this.flaw === 'ignores-ifVersion' ? { metadata: options.metadata } : options,
    );
  }
  override async get(key: string): Promise<StoredSecret | undefined> {
    const entry = await super.get(key);
    if (entry && this.flaw === 'leaks-value') return { ...entry, raw: entry.value.reveal() } as StoredSecret;
    if (entry && this.flaw === 'plain-string')
      return { ...entry, value: entry.value.reveal() as unknown as Secret };
    return entry;
  }
  override async list(prefix?: string) {
    const keys = await super.list(prefix);
    return this.flaw === 'unsorted-list' ? keys.reverse() : keys;
  }
}

describe('secretStoreConformance itself', () => {
  it('passes the reference store', async () => {
    const { failed, count } = await failures(() => new MemorySecretStore());
    expect(failed).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(12);
  });

  it('catches a store that ignores ifVersion', async () => {
    const { failed } = await failures(() => new Broken('ignores-ifVersion'));
    expect(failed).toEqual(
      expect.arrayContaining([
        'set with the current version succeeds; a stale one conflicts and changes nothing',
        'ifVersion null creates only when absent',
        'parallel writers with the same version: exactly one wins',
      ]),
    );
  });

  it('catches a store that leaks the value into JSON or returns plain strings', async () => {
    expect((await failures(() => new Broken('leaks-value'))).failed).toContain(
      'set then get returns a Secret that reveals the value and never prints it',
    );
    expect((await failures(() => new Broken('plain-string'))).failed).toContain(
      'set then get returns a Secret that reveals the value and never prints it',
    );
  });

  it('catches an unsorted list', async () => {
    expect((await failures(() => new Broken('unsorted-list'))).failed).toEqual([
      'list returns sorted keys, filtered by prefix',
    ]);
  });

  it('read-only mode: passes a read-only store, catches one that accepts writes', async () => {
    const readOnly = {
      get: async (key: string) => (key === 'a' ? { value: new Secret('value-a'), version: '1' } : undefined),
      set: async () => {
        throw new Error('read-only');
      },
      delete: async () => {
        throw new Error('read-only');
      },
      list: async (prefix = '') => ['a'].filter((k) => k.startsWith(prefix)),
    } satisfies SecretStore;
    const options = { readOnly: true, entries: { a: 'value-a' } };
    expect(await failures(() => readOnly, options)).toEqual({ failed: [], count: 4 });
    const writable = await failures(() => new MemorySecretStore(), options);
    expect(writable.failed).toContain('writes throw and change nothing');
  });
});
