import type { StateStore, StoredState } from 'edenai-token-manager';
import { MemoryStateStore } from 'edenai-token-manager';
import { stateStoreConformance } from 'edenai-token-manager/testing';
import type { JsonValue } from 'type-fest';
import { describe, expect, it } from 'vitest';

async function failures(create: () => StateStore) {
  const tests: { name: string; body: () => Promise<void> }[] = [];
  stateStoreConformance({
    name: 'probe',
    create,
    describe: (_name, body) => body(),
    it: (name, body) => tests.push({ name, body }),
  });
  const failed: string[] = [];
  for (const test of tests) await test.body().catch(() => failed.push(test.name));
  return failed;
}

/** Hands out its stored objects by reference, like a naive Map-backed store. */
class SharesObjects implements StateStore {
  private readonly inner = new MemoryStateStore();
  private readonly live = new Map<string, JsonValue>();
  async get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined> {
    const entry = await this.inner.get<T>(key);
    return entry && { value: this.live.get(key) as T, version: entry.version };
  }
  async set(key: string, value: JsonValue, options?: { ifVersion?: string | null }) {
    const result = await this.inner.set(key, value, options);
    this.live.set(key, value);
    return result;
  }
  delete(key: string, options?: { ifVersion?: string }) {
    return this.inner.delete(key, options);
  }
  list(prefix?: string) {
    return this.inner.list(prefix);
  }
}

/** Loses updates: reads then writes later without checking the version. */
class LostUpdates extends MemoryStateStore {
  override async set(key: string, value: JsonValue, options: { ifVersion?: string | null } = {}) {
    await new Promise((r) => setImmediate(r));
    return super.set(key, value, options.ifVersion === null ? options : {});
  }
}

describe('stateStoreConformance itself', () => {
  it('passes the reference store', async () => {
    expect(await failures(() => new MemoryStateStore())).toEqual([]);
  });

  it('catches a store that shares mutable objects with callers', async () => {
    expect(await failures(() => new SharesObjects())).toEqual([
      'stored state cannot be mutated through the objects passed in or returned',
    ]);
  });

  it('catches lost updates between parallel writers', async () => {
    expect(await failures(() => new LostUpdates())).toEqual(
      expect.arrayContaining([
        'parallel writers with the same version: exactly one wins',
        'compare-and-set increments from parallel writers lose no update',
      ]),
    );
  });
});
