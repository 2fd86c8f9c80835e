// The reference stores: entries in a `Map`, gone when the process exits. For tests, scripts,
// single-process tools, and as the model for your own adapter. Versions are a per-store counter.
import type { JsonValue } from 'type-fest';
import type { Secret } from '../core/secret.js';
import type {
  DeleteOptions,
  SecretStore,
  StateStore,
  StoredSecret,
  StoredState,
  WriteOptions,
} from '../ports/stores.js';
import {
  casDelete,
  casSet,
  type Entries,
  SecretCas,
  type SecretEntry,
  StateCas,
  type StateEntry,
  type Versioned,
} from './cas.js';

/** Entries in a `Map`: each write is checked and applied at once, so calls apply in call order. */
class MapEntries<E extends Versioned> implements Entries<E> {
  readonly #map = new Map<string, E>();
  #seq = 0;

  async get(key: string): Promise<E | undefined> {
    return this.#map.get(key);
  }

  async set(key: string, make: (version: string) => E, ifVersion: string | null | undefined) {
    const entry = make(String(++this.#seq));
    casSet(this.#map, key, entry, ifVersion);
    return entry.version;
  }

  async delete(key: string, ifVersion: string | undefined): Promise<boolean> {
    return casDelete(this.#map, key, ifVersion);
  }

  async keys(): Promise<Iterable<string>> {
    return this.#map.keys();
  }
}

/**
 * The reference `SecretStore`: values in a `Map`, gone when the process exits.
 *
 * @example
 * const secrets = new MemorySecretStore();
 * const { version } = await secrets.set('edenai/prod-web-app', 'tok_live_…', { ifVersion: null });
 * const entry = await secrets.get('edenai/prod-web-app'); // { value: Secret, version }
 * entry?.value.reveal();
 */
export class MemorySecretStore implements SecretStore {
  readonly #cas = new SecretCas(new MapEntries<SecretEntry>());

  get(key: string): Promise<StoredSecret | undefined> {
    return this.#cas.get(key);
  }

  set(key: string, value: Secret | string, options?: WriteOptions): Promise<{ version: string }> {
    return this.#cas.set(key, value, options);
  }

  delete(key: string, options?: DeleteOptions): Promise<boolean> {
    return this.#cas.delete(key, options);
  }

  list(prefix?: string): Promise<string[]> {
    return this.#cas.list(prefix);
  }
}

/**
 * The reference `StateStore`: JSON values in a `Map`, for tests and single-process tools.
 * Values are deep-copied on the way in and out, so callers cannot mutate stored state.
 *
 * @example
 * const state = new MemoryStateStore();
 * const { version } = await state.set('rotation/prod-web-app', { step: 'created' }, { ifVersion: null });
 * await state.set('rotation/prod-web-app', { step: 'promoted' }, { ifVersion: version });
 */
export class MemoryStateStore implements StateStore {
  readonly #cas = new StateCas(new MapEntries<StateEntry>());

  get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined> {
    return this.#cas.get<T>(key);
  }

  set(
    key: string,
    value: JsonValue,
    options?: Pick<WriteOptions, 'ifVersion'>,
  ): Promise<{ version: string }> {
    return this.#cas.set(key, value, options);
  }

  delete(key: string, options?: DeleteOptions): Promise<boolean> {
    return this.#cas.delete(key, options);
  }

  list(prefix?: string): Promise<string[]> {
    return this.#cas.list(prefix);
  }
}
