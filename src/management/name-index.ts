import type { ManagementKey } from './types.js';

/**
 * Live key name → ids (several when members of an organization reuse a name; `null` for a legacy
 * key without id), with the time it was last loaded from a full listing.
 */
export class NameIndex {
  #ids = new Map<string, (string | null)[]>();
  #loadedAt: number | undefined;

  /** Replaces everything with a full listing of live keys taken at `at` (ms). */
  replace(keys: readonly ManagementKey[], at: number): void {
    this.#ids.clear();
    for (const key of keys) this.add(key.name, key.id);
    this.#loadedAt = at;
  }

  /** True when loaded less than `maxAgeMs` before `at`. */
  isFresh(at: number, maxAgeMs: number): boolean {
    return this.#loadedAt !== undefined && at - this.#loadedAt < maxAgeMs;
  }

  ids(name: string): readonly (string | null)[] | undefined {
    return this.#ids.get(name);
  }

  add(name: string, id: string | null): void {
    const ids = this.#ids.get(name);
    if (!ids) this.#ids.set(name, [id]);
    else if (!ids.includes(id)) ids.push(id);
  }

  remove(name: string, id: string): void {
    const ids = this.#ids.get(name)?.filter((other) => other !== id);
    if (ids?.length) this.#ids.set(name, ids);
    else this.#ids.delete(name);
  }
}
