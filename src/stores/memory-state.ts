import type { JsonValue } from 'type-fest';
import type { DeleteOptions, StateStore, StoredState, WriteOptions } from '../ports/stores.js';
import { assertIfVersion, assertKey, casDelete, casSet, listKeys } from './internal/cas.js';
import { cloneJson } from './internal/json.js';

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
  readonly #entries = new Map<string, { value: JsonValue; version: string }>();
  #seq = 0;

  async get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined> {
    assertKey(key);
    const entry = this.#entries.get(key);
    return entry && { value: cloneJson(entry.value) as T, version: entry.version };
  }

  async set(key: string, value: JsonValue, options: Pick<WriteOptions, 'ifVersion'> = {}) {
    assertKey(key);
    assertIfVersion(options.ifVersion, true);
    const entry = { value: cloneJson(value), version: String(++this.#seq) };
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
