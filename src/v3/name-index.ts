import type { ManagementKey } from './types.js';

interface Entry {
  ids: (string | null)[];
  /** When this mapping was last confirmed (ms): a full listing, or our own create. */
  at: number;
}

/**
 * Live key name → ids (several when members of an organization reuse a name; `null` for a legacy
 * key without id), each with the time it was last confirmed.
 */
export class NameIndex {
  #entries = new Map<string, Entry>();

  /** Replaces everything with a full listing of live keys taken at `at` (ms). */
  replace(keys: readonly ManagementKey[], at: number): void {
    this.#entries.clear();
    for (const key of keys) this.add(key.name, key.id, at);
  }

  /** The ids of `name` if confirmed less than `maxAgeMs` before `at`; `undefined` when unknown or stale. */
  fresh(name: string, at: number, maxAgeMs: number): readonly (string | null)[] | undefined {
    const entry = this.#entries.get(name);
    return entry && at - entry.at < maxAgeMs ? entry.ids : undefined;
  }

  /** The ids of `name`, however old. */
  ids(name: string): readonly (string | null)[] | undefined {
    return this.#entries.get(name)?.ids;
  }

  add(name: string, id: string | null, at: number): void {
    const entry = this.#entries.get(name);
    if (!entry) this.#entries.set(name, { ids: [id], at });
    else if (!entry.ids.includes(id)) entry.ids.push(id);
  }

  remove(name: string, id: string): void {
    const entry = this.#entries.get(name);
    if (!entry) return;
    entry.ids = entry.ids.filter((other) => other !== id);
    if (entry.ids.length === 0) this.#entries.delete(name);
  }
}
