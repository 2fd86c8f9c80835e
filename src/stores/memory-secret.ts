import { Secret } from '../core/secret.js';
import type { DeleteOptions, Metadata, SecretStore, StoredSecret, WriteOptions } from '../ports/stores.js';
import { assertIfVersion, assertKey, casDelete, casSet, listKeys } from './internal/cas.js';
import { copyMetadata, rawValue } from './value.js';

interface Entry {
  value: string;
  version: string;
  metadata: Metadata | undefined;
}

/**
 * The reference `SecretStore`: values in a `Map`, gone when the process exits. For tests,
 * scripts and as the model for your own adapter. Versions are a per-store counter.
 *
 * @example
 * const secrets = new MemorySecretStore();
 * const { version } = await secrets.set('edenai/prod-web-app', 'tok_live_…', { ifVersion: null });
 * const entry = await secrets.get('edenai/prod-web-app'); // { value: Secret, version }
 * entry?.value.reveal();
 */
export class MemorySecretStore implements SecretStore {
  readonly #entries = new Map<string, Entry>();
  #seq = 0;

  async get(key: string): Promise<StoredSecret | undefined> {
    assertKey(key);
    const entry = this.#entries.get(key);
    return entry && toStored(entry);
  }

  async set(key: string, value: Secret | string, options: WriteOptions = {}): Promise<{ version: string }> {
    assertKey(key);
    assertIfVersion(options.ifVersion, true);
    const entry = {
      value: rawValue(value),
      version: String(++this.#seq),
      metadata: copyMetadata(options.metadata),
    };
    casSet(this.#entries, key, entry, options.ifVersion);
    return { version: entry.version };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    assertKey(key);
    assertIfVersion(options.ifVersion, false);
    return casDelete(this.#entries, key, options.ifVersion);
  }

  async list(prefix?: string): Promise<string[]> {
    return listKeys(this.#entries.keys(), prefix);
  }
}

/** A fresh `StoredSecret` each time, so callers cannot reach the stored entry. */
export function toStored(entry: {
  value: string;
  version: string;
  metadata?: Metadata | undefined;
}): StoredSecret {
  const stored: StoredSecret = { value: new Secret(entry.value), version: entry.version };
  if (entry.metadata) stored.metadata = { ...entry.metadata };
  return stored;
}
