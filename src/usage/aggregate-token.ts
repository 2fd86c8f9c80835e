import { fromNanos, toNanos } from '../core/money.js';
import type { DayRange } from '../core/time.js';
import type { UsageRecord } from '../ports/usage.js';
import { Bucket, bucketOf, byCostThenName, dailyOf, totalsOf } from './buckets.js';
import type { TokenUsage } from './types.js';

/**
 * Sums the records of one logical token. `belongs(tokenName)` says whether an Eden name is one
 * of its generations; it is called once per distinct name (cached), not once per record.
 */
export function aggregateToken(
  name: string,
  range: DayRange,
  records: readonly UsageRecord[],
  belongs: (tokenName: string) => boolean,
): TokenUsage {
  const verdicts = new Map<string, boolean>();
  const total = new Bucket();
  const days = new Map<string, Bucket>();
  const features = new Map<string, Bucket>();
  const providers = new Map<string, number>();

  for (const r of records) {
    let mine = verdicts.get(r.token);
    if (mine === undefined) {
      mine = belongs(r.token);
      verdicts.set(r.token, mine);
    }
    if (!mine) continue;
    const nanos = toNanos(r.totalCost);
    total.nanos += nanos;
    total.calls += r.calls;
    const day = bucketOf(days, r.date);
    day.nanos += nanos;
    day.calls += r.calls;
    const feature = bucketOf(features, r.feature);
    feature.nanos += nanos;
    feature.calls += r.calls;
    const cpp = r.costPerProvider;
    for (const p in cpp) providers.set(p, (providers.get(p) ?? 0) + toNanos(cpp[p]!));
  }

  const { totalCost, totalCalls, avgCostPerCall } = totalsOf(total);
  return {
    name,
    range,
    tokenNames: [...verdicts]
      .filter(([, mine]) => mine)
      .map(([n]) => n)
      .sort(),
    totalCost,
    totalCalls,
    avgCostPerCall,
    byDay: dailyOf(days),
    byFeature: [...features]
      .sort(
        byCostThenName(
          ([f]) => f,
          ([, b]) => b.nanos,
        ),
      )
      .map(([feature, b]) => ({ feature, cost: fromNanos(b.nanos), calls: b.calls })),
    byProvider: [...providers]
      .sort(
        byCostThenName(
          ([p]) => p,
          ([, n]) => n,
        ),
      )
      .map(([provider, n]) => ({ provider, cost: fromNanos(n) })),
  };
}
