import { InvalidInputError, MemorySecretStore } from 'edenai-token-manager';
import { secretStoreConformance } from 'edenai-token-manager/testing';
import { describe, expect, it } from 'vitest';

secretStoreConformance({ name: 'MemorySecretStore', create: () => new MemorySecretStore(), describe, it });

describe('MemorySecretStore input validation', () => {
  it('rejects bad keys, values, metadata and ifVersion before changing anything', async () => {
    const store = new MemorySecretStore();
    await expect(store.set('', 'value')).rejects.toThrow(InvalidInputError);
    await expect(store.get(42 as unknown as string)).rejects.toThrow(/non-empty string, got number/);
    await expect(store.set('k', '')).rejects.toThrow(InvalidInputError);
    await expect(store.set('k', 'v', { metadata: { nested: {} as unknown as string } })).rejects.toThrow(
      /metadata.nested/,
    );
    await expect(store.set('k', 'v', { ifVersion: 3 as unknown as string })).rejects.toThrow(/ifVersion/);
    await expect(store.list(7 as unknown as string)).rejects.toThrow(/prefix/);
    expect(await store.list()).toEqual([]);
  });

  it('never echoes a rejected value', async () => {
    const store = new MemorySecretStore();
    const bad = { reveal: () => '' } as never;
    const error = await store.set('k', bad).catch((e: Error) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    const conflict = await store.set('k', 'tok_value_secret', { ifVersion: 'nope' }).catch((e: Error) => e);
    expect(String(conflict)).not.toContain('tok_value_secret');
  });
});
