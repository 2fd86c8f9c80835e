// The fake's state: live tokens, the cost history (kept after deletes) and the account credits.
import { parisPeriodKey } from './paris-periods.js';
import type { TokenRecord } from './token-rules.js';
import type { SimulateUsageResult } from './types.js';

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
