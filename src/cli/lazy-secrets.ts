import type { Secret } from '../core/secret.js';
import type { DeleteOptions, SecretStore, StoredSecret, WriteOptions } from '../ports/stores.js';

/**
 * Builds the real store on first use. `list` or `usage` rarely touch secrets, so a missing
 * passphrase should fail only the commands that need one, with the store's own clear error.
 */
export class LazySecretStore implements SecretStore {
  #store: SecretStore | undefined;
  constructor(private readonly open: () => SecretStore) {}

  private get store(): SecretStore {
    this.#store ??= this.open();
    return this.#store;
  }

  get(key: string): Promise<StoredSecret | undefined> {
    return this.store.get(key);
  }
  set(key: string, value: Secret | string, options?: WriteOptions): Promise<{ version: string }> {
    return this.store.set(key, value, options);
  }
  delete(key: string, options?: DeleteOptions): Promise<boolean> {
    return this.store.delete(key, options);
  }
  list(prefix?: string): Promise<string[]> {
    return this.store.list(prefix);
  }
  async dispose(): Promise<void> {
    await this.#store?.dispose?.();
  }
}
