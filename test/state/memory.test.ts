import { MemoryStateStore } from 'edenai-token-manager';
import { stateStoreConformance } from 'edenai-token-manager/testing';
import { describe, expect, it } from 'vitest';

stateStoreConformance({ name: 'MemoryStateStore', create: () => new MemoryStateStore(), describe, it });

describe('MemoryStateStore values', () => {
  it('rejects what JSON cannot hold, naming where, and stores nothing', async () => {
    const store = new MemoryStateStore();
    await expect(store.set('k', { when: new Date(0) } as never)).rejects.toThrow(
      'value.when is not JSON: found Date',
    );
    await expect(store.set('k', [1, Number.NaN])).rejects.toThrow('value[1] is not JSON: found NaN');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(store.set('k', cyclic as never)).rejects.toThrow(/circular/);
    await expect(store.set('k', undefined as never)).rejects.toThrow(/found undefined/);
    expect(await store.list()).toEqual([]);
  });

  it('drops undefined properties like JSON and keeps "__proto__" as a plain key', async () => {
    const store = new MemoryStateStore();
    await store.set('k', JSON.parse('{"__proto__":{"polluted":true},"a":1}'));
    await store.set('u', { a: 1, b: undefined } as never);
    const read = await store.get<{ [key: string]: number }>('k');
    expect(Object.keys(read!.value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await store.get('u'))?.value).toStrictEqual({ a: 1 });
  });

  it('shared structure is copied, not rejected as a cycle', async () => {
    const store = new MemoryStateStore();
    const shared = { n: 1 };
    await store.set('k', { a: shared, b: shared });
    expect((await store.get('k'))?.value).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });
});
