// The v3 Management API's view of the fake's tokens: uuid ids and revoked keys. Keys live in the
// same store as v2 tokens (so `simulateUsage`, budgets and cost history work on them by name); this
// index adds what v3 has on top. It follows the store: a token v2 created gets an id when v3 first
// sees it, and a token that left the store (a v2 delete) or was replaced (same name, new value)
// becomes a revoked key.
import { randomUUID } from 'node:crypto';
import type { FakeStore } from './store.js';
import type { TokenRecord } from './token-rules.js';
import { tokenSnapshotFields } from './token-snapshot.js';
import type { FakeKeySnapshot } from './types.js';

export interface KeyEntry {
  id: string;
  name: string;
  member: string;
  /** The value at last sight: another value under the same name is another token. */
  value: string;
  /** The live record; frozen at revocation. */
  record: TokenRecord;
  revokedAt: Date | null;
}

export class FakeKeyIndex {
  /** Every key ever seen, in creation order (the list order). */
  private readonly entries = new Map<string, KeyEntry>();
  /** Live keys by name. */
  private readonly live = new Map<string, KeyEntry>();

  constructor(
    private readonly store: FakeStore,
    private readonly now: () => Date,
    /** The member who owns keys created without one. */
    readonly owner: string,
  ) {}

  /** Every key, revoked ones included, in creation order. */
  list(): KeyEntry[] {
    this.sync();
    return [...this.entries.values()];
  }

  find(id: string): KeyEntry | undefined {
    this.sync();
    return this.entries.get(id);
  }

  /** The live key named `name`. */
  byName(name: string): KeyEntry | undefined {
    this.sync();
    return this.live.get(name);
  }

  /** Stores a new token and gives it an id. The caller checked that the name is free. */
  create(record: TokenRecord, member: string): KeyEntry {
    this.sync();
    this.store.put(record);
    return this.add(record, member);
  }

  /** Replaces a live key's record (a PATCH), renaming it when the name changed. */
  replace(entry: KeyEntry, record: TokenRecord): void {
    if (record.name !== entry.name) {
      this.store.remove(entry.name);
      this.live.delete(entry.name);
      entry.name = record.name;
      this.live.set(entry.name, entry);
    }
    this.store.put(record);
    entry.record = record;
    entry.value = record.value;
  }

  /** A new value for a live key (same id, name and budget). */
  rotate(entry: KeyEntry, value: string): void {
    this.replace(entry, { ...entry.record, value });
  }

  /** Revokes a live key: gone from the store (so from v2 and usage), listed as revoked. */
  revoke(entry: KeyEntry): void {
    this.store.remove(entry.name);
    this.markRevoked(entry);
  }

  snapshot(): FakeKeySnapshot[] {
    return this.list().map((e) => {
      const t = e.record;
      return {
        id: e.id,
        name: e.name,
        member: e.member,
        revoked: e.revokedAt !== null,
        revokedAt: e.revokedAt === null ? null : new Date(e.revokedAt.getTime()),
        ...tokenSnapshotFields(t),
      };
    });
  }

  private add(record: TokenRecord, member: string): KeyEntry {
    const entry: KeyEntry = {
      id: randomUUID(),
      name: record.name,
      member,
      value: record.value,
      record,
      revokedAt: null,
    };
    this.entries.set(entry.id, entry);
    this.live.set(entry.name, entry);
    return entry;
  }

  private markRevoked(entry: KeyEntry): void {
    entry.revokedAt = this.now();
    if (this.live.get(entry.name) === entry) this.live.delete(entry.name);
  }

  /** Brings the index in line with the store (v2 writes go straight to the store). */
  private sync(): void {
    const names = new Set<string>();
    for (const record of this.store.list()) {
      names.add(record.name);
      let entry = this.live.get(record.name);
      if (entry && entry.value !== record.value) {
        this.markRevoked(entry);
        entry = undefined;
      }
      if (entry) entry.record = record;
      else this.add(record, this.owner);
    }
    for (const entry of [...this.live.values()]) if (!names.has(entry.name)) this.markRevoked(entry);
  }
}
