// Aggregates the cost history into Eden's `/cost_management/` answer, bucketed by step.

import { fromNanos } from '../../core/money.js';
import type { CostQuery, CostStep } from './cost-query.js';
import { formatDay, isoWeekday } from './dates.js';
import type { UsageRow } from './store.js';

export interface CostDetails {
  total_cost: number;
  details: number;
  cost_per_provider: Record<string, number>;
}
export interface CostResponse {
  response: { token: string; data: Record<string, Record<string, CostDetails>> }[];
}

interface Bucket {
  cost: number;
  calls: number;
  perProvider: Map<string, number>;
}

/** Period start (`YYYY-MM-DD`) of a day: the day, its week's Monday, `YYYY-MM-01` or `YYYY-01-01`. */
export function periodStart(day: number, step: CostStep): string {
  if (step === 1) return formatDay(day);
  if (step === 2) return formatDay(day - isoWeekday(day));
  const text = formatDay(day);
  return step === 3 ? `${text.slice(0, 8)}01` : `${text.slice(0, 5)}01-01`;
}

function matches(row: UsageRow, q: CostQuery): boolean {
  if (row.day < q.begin || row.day > q.end) return false;
  if (q.token !== undefined && row.token !== q.token) return false;
  if (q.provider !== undefined && row.provider !== q.provider) return false;
  if (q.feature === undefined && q.subfeature === undefined) return true;
  const split = row.feature.indexOf('__');
  const category = split < 0 ? row.feature : row.feature.slice(0, split);
  const sub = split < 0 ? '' : row.feature.slice(split + 2);
  return (
    (q.feature === undefined || q.feature === category) &&
    (q.subfeature === undefined || q.subfeature === sub)
  );
}

function upsert<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** The report for `q`, or `undefined` when no row matches (Eden then answers 404). */
export function buildCostReport(rows: Iterable<UsageRow>, q: CostQuery): CostResponse | undefined {
  // token → period → feature → bucket
  const tree = new Map<string, Map<string, Map<string, Bucket>>>();
  for (const row of rows) {
    if (!matches(row, q)) continue;
    const periods = upsert(tree, row.token, () => new Map());
    const features = upsert(periods, periodStart(row.day, q.step), () => new Map());
    const bucket = upsert(features, row.feature, () => ({ cost: 0, calls: 0, perProvider: new Map() }));
    bucket.cost += row.cost;
    bucket.calls += row.calls;
    bucket.perProvider.set(row.provider, (bucket.perProvider.get(row.provider) ?? 0) + row.cost);
  }
  if (tree.size === 0) return undefined;
  const response = [...tree.keys()].sort().map((token) => {
    const periods = tree.get(token)!;
    const data: Record<string, Record<string, CostDetails>> = {};
    for (const period of [...periods.keys()].sort()) {
      const features = periods.get(period)!;
      const out: Record<string, CostDetails> = {};
      for (const feature of [...features.keys()].sort()) {
        const b = features.get(feature)!;
        const perProvider: Record<string, number> = {};
        for (const [provider, cost] of b.perProvider) perProvider[provider] = fromNanos(cost);
        out[feature] = { total_cost: fromNanos(b.cost), details: b.calls, cost_per_provider: perProvider };
      }
      data[period] = out;
    }
    return { token, data };
  });
  return { response };
}
