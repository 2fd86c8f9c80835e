// The fake's data: live tokens, the v3 key view of them, the cost history (kept after deletes)
// and the account credits, with Eden's budget refills at midnight Europe/Paris.
import { fromNanos } from '../../core/money.js';
import { formatDay, parseDay } from '../../core/time.js';
import type {
  FakeKeySnapshot,
  FakeResetPeriod,
  FakeTokenSnapshot,
  FakeTokenType,
  SimulateUsageResult,
} from './types.js';
import { isoWeekday } from './wire.js';

/** A token as the store holds it. Money in nano-dollars. */
export interface TokenRecord {
  name: string;
  value: string;
  tokenType: FakeTokenType;
  balance: number | null;
  activeBalance: boolean;
  expireTime: Date | null;
  resetPeriod: FakeResetPeriod;
  resetAmount: number | null;
  /** Paris-local period of the last reset check (see `parisPeriodKey`). */
  resetKey: string | null;
}

/** Aggregated cost history row. `day` is days since 1970-01-01; `cost` is nano-dollars. */
export interface UsageRow {
  token: string;
  day: number;
  feature: string;
  provider: string;
  cost: number;
  calls: number;
}

export interface Spend {
  token: string;
  cost: number;
  calls: number;
  feature: string;
  provider: string;
  day: number;
}

export class FakeStore {
  private tokens = new Map<string, TokenRecord>();
  /** Tokens with a reset period: the only ones the lazy refill has to look at. */
  private periodic = new Set<TokenRecord>();
  private history = new Map<string, UsageRow>();

  constructor(
    private readonly now: () => Date,
    /** Called after every change (persists the state file). */
    private readonly changed: () => void,
    /** Nano-dollars. */
    public credits: number,
  ) {}

  /** Refills periodic budgets whose Paris-midnight boundary has passed since the last check. */
  refresh(): void {
    if (this.periodic.size === 0) return;
    const now = this.now();
    let dirty = false;
    for (const token of this.periodic) {
      if (token.resetPeriod === 'none') continue;
      const key = parisPeriodKey(now, token.resetPeriod);
      if (token.resetKey !== null && key <= token.resetKey) continue;
      if (token.resetKey !== null) token.balance = token.resetAmount;
      token.resetKey = key;
      dirty = true;
    }
    if (dirty) this.changed();
  }

  list(): TokenRecord[] {
    this.refresh();
    return [...this.tokens.values()];
  }

  get(name: string): TokenRecord | undefined {
    this.refresh();
    return this.tokens.get(name);
  }

  /** Adds or replaces a token. */
  put(token: TokenRecord): void {
    const old = this.tokens.get(token.name);
    if (old) this.periodic.delete(old);
    this.tokens.set(token.name, token);
    if (token.resetPeriod !== 'none') this.periodic.add(token);
    this.changed();
  }

  remove(name: string): boolean {
    const token = this.tokens.get(name);
    if (!token) return false;
    this.tokens.delete(name);
    this.periodic.delete(token);
    this.changed();
    return true;
  }

  /** Records a use of a token: checks expiry and budget, drains both balances, logs the cost. */
  spend(input: Spend): SimulateUsageResult {
    const token = this.get(input.token);
    if (!token) return { ok: false, reason: 'unknown_token' };
    if (token.expireTime && token.expireTime.getTime() < this.now().getTime())
      return { ok: false, reason: 'expired' };
    // Sandbox calls are free mock responses: recorded at cost 0, never drained.
    const sandbox = token.tokenType === 'sandbox_api_token';
    const cost = sandbox ? 0 : input.cost;
    if (!sandbox && token.activeBalance) {
      // "if the balance reaches 0, this token will become unusable"; usage never overdraws.
      const balance = token.balance ?? 0;
      if (balance <= 0 || balance < cost) return { ok: false, reason: 'insufficient_balance' };
      token.balance = balance - cost;
    }
    this.credits -= cost;
    this.addUsage({ ...input, cost });
    this.changed();
    return { ok: true };
  }

  addUsage(row: UsageRow): void {
    const key = `${row.token}\n${row.day}\n${row.feature}\n${row.provider}`;
    const existing = this.history.get(key);
    if (existing) {
      existing.cost += row.cost;
      existing.calls += row.calls;
    } else this.history.set(key, { ...row });
  }

  usage(): Iterable<UsageRow> {
    return this.history.values();
  }

  /** Replaces everything (an import), then notifies once. */
  replace(credits: number, tokens: TokenRecord[], usage: UsageRow[]): void {
    this.tokens.clear();
    this.periodic.clear();
    this.history.clear();
    this.credits = credits;
    for (const token of tokens) {
      this.tokens.set(token.name, token);
      if (token.resetPeriod !== 'none') this.periodic.add(token);
    }
    for (const row of usage) this.addUsage(row);
    this.changed();
  }
}

// Eden refills periodic budgets at midnight Europe/Paris. Rather than computing instants, each
// reset period gets a key for the Paris-local period an instant falls in; a refill is due when
// the key of "now" is later than the key recorded at the last check.

// formatToParts rather than a locale's pattern: builds with small ICU may lack the en-CA format.
const parisDate = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

let cachedMs = Number.NaN;
let cachedDay = '';

/** The Paris-local calendar day of an instant, `YYYY-MM-DD`. */
function parisDay(now: Date): string {
  const ms = now.getTime();
  if (ms !== cachedMs) {
    const parts: Record<string, string> = {};
    for (const part of parisDate.formatToParts(now)) parts[part.type] = part.value;
    cachedMs = ms;
    cachedDay = `${parts.year}-${parts.month}-${parts.day}`;
  }
  return cachedDay;
}

/**
 * The key of the Paris-local period `now` falls in: the day (daily), the week's Monday (weekly) or
 * `YYYY-MM` (monthly). Keys of one period kind compare in time order as strings.
 */
export function parisPeriodKey(now: Date, period: Exclude<FakeResetPeriod, 'none'>): string {
  const day = parisDay(now);
  if (period === 'daily') return day;
  if (period === 'monthly') return day.slice(0, 7);
  const n = parseDay(day)!;
  return formatDay(n - isoWeekday(n));
}

// What tests see of a stored token (fake.tokens() and fake.keys()): USD, and copies of dates.

/** A record's public fields but its name (a key's name comes from its index entry). */
export function tokenSnapshotFields(t: TokenRecord): Omit<FakeTokenSnapshot, 'name'> {
  return {
    tokenType: t.tokenType,
    balance: t.balance === null ? null : fromNanos(t.balance),
    activeBalance: t.activeBalance,
    expireTime: t.expireTime === null ? null : new Date(t.expireTime.getTime()),
    balanceResetPeriod: t.resetPeriod,
    balanceResetAmount: t.resetAmount === null ? null : fromNanos(t.resetAmount),
  };
}

// The v3 Management API's view of the fake's tokens: uuid ids and revoked keys. Keys live in the
// same store as v2 tokens (so `simulateUsage`, budgets and cost history work on them by name); this
// index adds what v3 has on top. It follows the store: a token v2 created gets an id when v3 first
// sees it, and a token that left the store (a v2 delete) or was replaced (same name, new value)
// becomes a revoked key.

export interface KeyEntry {
  id: string;
  name: string;
  member: string;
  /** The value at last sight: another value under the same name is another token. */
  value: string;
  /** The live record; frozen at revocation. */
  record: TokenRecord;
  revokedAt: Date | null;
  /** v3 `default_tags` (keys lowercase): the cost tags every call made with the key carries. */
  tags: Record<string, string>;
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
        tags: { ...e.tags },
        ...tokenSnapshotFields(t),
      };
    });
  }

  private add(record: TokenRecord, member: string): KeyEntry {
    const entry: KeyEntry = {
      id: crypto.randomUUID(),
      name: record.name,
      member,
      value: record.value,
      record,
      revokedAt: null,
      tags: {},
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
