import { randomBytes } from 'node:crypto';
import { assertPrefix, casDelete, casSet, listKeys, type Versioned } from './cas.js';
import type { DocumentFile } from './document-file.js';

/** The document both file stores keep: a write counter and the entries by key. */
export interface EntriesDoc<E extends Versioned> {
  rev: number;
  entries: Map<string, E>;
}

/**
 * Versioned entries in one `DocumentFile`: the compare-and-set logic shared by FileSecretStore
 * and FileStateStore. Versions are `<write counter>-<random>`: ordered for humans, and never
 * reused even if the file is deleted and recreated (so an old version cannot match by accident).
 */
export class EntriesFile<E extends Versioned> {
  constructor(readonly file: DocumentFile<EntriesDoc<E>>) {}

  async get(key: string): Promise<E | undefined> {
    return (await this.file.read())?.entries.get(key);
  }

  set(key: string, make: (version: string) => E, ifVersion: string | null | undefined): Promise<string> {
    return this.file.update((doc) => {
      const rev = (doc?.rev ?? 0) + 1;
      const entry = make(`${rev}-${randomBytes(3).toString('hex')}`);
      const entries = new Map(doc?.entries);
      casSet(entries, key, entry, ifVersion);
      return { next: { rev, entries }, result: entry.version };
    });
  }

  delete(key: string, ifVersion: string | undefined): Promise<boolean> {
    return this.file.update((doc) => {
      const entries = new Map(doc?.entries);
      const deleted = casDelete(entries, key, ifVersion);
      return { next: deleted ? { rev: (doc?.rev ?? 0) + 1, entries } : undefined, result: deleted };
    });
  }

  async list(prefix?: string): Promise<string[]> {
    assertPrefix(prefix);
    return listKeys((await this.file.read())?.entries.keys() ?? [], prefix);
  }
}
