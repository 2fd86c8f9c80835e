import { InvalidInputError } from '../core/errors.js';
import { fromNanos, toNanos } from '../core/money.js';
import { formatDay, parseDay, toDay } from '../core/time.js';
import type { UsageQuery, UsageRecord, UsageSource } from '../ports/usage.js';

/**
 * An in-memory `UsageSource`: answers `usage()` like Eden's cost API (inclusive `begin`/`end`,
 * exact `token` name match, `provider` and `subfeature` filters, `step` roll-ups to period
 * starts). For tests, imports of exported cost data, and benchmarks.
 *
 * Records are kept by reference, not copied, so a million of them cost no extra memory; treat
 * the records you add and the ones returned as read-only.
 *
 * @example
 * ```ts
 * const source = new MemoryUsageSource();
 * source.add([{ token: 'prod-web-app', date: '2024-01-01', feature: 'text__chat',
 *   totalCost: 0.12, calls: 3, costPerProvider: { openai: 0.12 } }]);
 * const monitor = new UsageMonitor({ registry, source });
 * ```
 */
export class MemoryUsageSource implements UsageSource {
  readonly #records: UsageRecord[] = [];
  // Dates seen valid once need no second calendar check (a year of data has 365 distinct dates).
  readonly #validDates = new Set<string>();

  constructor(records: Iterable<UsageRecord> = []) {
    this.add(records);
  }

  /** Number of records held. */
  get size(): number {
    return this.#records.length;
  }

  /**
   * Adds records. All are validated first: one bad record throws `InvalidInputError`
   * (naming its index) and nothing is added.
   */
  add(records: Iterable<UsageRecord>): this {
    const batch = Array.isArray(records) ? (records as UsageRecord[]) : [...records];
    for (let i = 0; i < batch.length; i++) this.#check(batch[i], i);
    for (let i = 0; i < batch.length; i++) this.#records.push(batch[i]!);
    return this;
  }

  /** Removes every record. */
  clear(): void {
    this.#records.length = 0;
  }

  async usage(query: UsageQuery): Promise<UsageRecord[]> {
    const begin = formatDay(toDay(query.begin, 'begin'));
    const end = formatDay(toDay(query.end, 'end'));
    if (begin > end) {
      throw new InvalidInputError(`begin (${begin}) is after end (${end})`, { field: 'begin' });
    }
    const step = query.step ?? 1;
    if (![1, 2, 3, 4].includes(step)) {
      throw new InvalidInputError(`step must be 1, 2, 3 or 4, got ${String(step)}`, { field: 'step' });
    }
    const { token, provider, subfeature } = query;
    const out: UsageRecord[] = [];
    // `YYYY-MM-DD` strings compare in calendar order, so no date parsing per record.
    for (const r of this.#records) {
      if (r.date < begin || r.date > end) continue;
      if (token !== undefined && r.token !== token) continue;
      if (subfeature !== undefined && subfeatureOf(r.feature) !== subfeature) continue;
      if (provider !== undefined) {
        const cost = r.costPerProvider[provider];
        if (cost === undefined) continue;
        // Eden's provider filter narrows the row to that provider's cost.
        out.push({ ...r, totalCost: cost, costPerProvider: { [provider]: cost } });
        continue;
      }
      out.push(r);
    }
    return step === 1 ? out : rollUp(out, step);
  }

  #check(r: UsageRecord | undefined, i: number): void {
    const problem = this.#problem(r);
    if (problem) throw new InvalidInputError(`usage record ${i}: ${problem}`, { field: 'records' });
  }

  /** What is wrong with a record, or `undefined`. Runs per record: allocates nothing. */
  #problem(r: UsageRecord | undefined): string | undefined {
    if (typeof r !== 'object' || r === null) return 'not an object';
    if (typeof r.token !== 'string' || r.token === '') return 'token must be a non-empty string';
    if (typeof r.feature !== 'string') return 'feature must be a string';
    if (!this.#validDates.has(r.date)) {
      if (typeof r.date !== 'string' || parseDay(r.date) === undefined)
        return `date must be YYYY-MM-DD, got ${JSON.stringify(r.date)}`;
      this.#validDates.add(r.date);
    }
    if (typeof r.totalCost !== 'number' || !Number.isFinite(r.totalCost)) return 'totalCost must be finite';
    if (!Number.isInteger(r.calls) || r.calls < 0) return 'calls must be an integer ≥ 0';
    if (typeof r.costPerProvider !== 'object' || r.costPerProvider === null)
      return 'costPerProvider must be an object';
    return undefined;
  }
}

function subfeatureOf(feature: string): string {
  const i = feature.indexOf('__');
  return i < 0 ? feature : feature.slice(i + 2);
}

/** Period start of a day for Eden's steps: 2 weekly (Monday), 3 monthly, 4 yearly. */
function periodStart(date: string, step: 2 | 3 | 4): string {
  if (step === 3) return `${date.slice(0, 7)}-01`;
  if (step === 4) return `${date.slice(0, 4)}-01-01`;
  const day = parseDay(date)!;
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  return formatDay(day - weekday);
}

function rollUp(records: UsageRecord[], step: 2 | 3 | 4): UsageRecord[] {
  // Sums in nanos (see money.ts) so a roll-up adds no float drift of its own.
  const groups = new Map<string, { record: UsageRecord; nanos: number; providers: Map<string, number> }>();
  for (const r of records) {
    const date = periodStart(r.date, step);
    const key = `${r.token}\u0000${date}\u0000${r.feature}`;
    let g = groups.get(key);
    if (!g) {
      const record = {
        token: r.token,
        date,
        feature: r.feature,
        totalCost: 0,
        calls: 0,
        costPerProvider: {},
      };
      g = { record, nanos: 0, providers: new Map() };
      groups.set(key, g);
    }
    g.nanos += toNanos(r.totalCost);
    g.record.calls += r.calls;
    for (const p in r.costPerProvider) {
      g.providers.set(p, (g.providers.get(p) ?? 0) + toNanos(r.costPerProvider[p]!));
    }
  }
  return [...groups.values()].map(({ record, nanos, providers }) => {
    record.totalCost = fromNanos(nanos);
    for (const [p, n] of providers) record.costPerProvider[p] = fromNanos(n);
    return record;
  });
}
