// Accumulators shared by the aggregations: one small object per key (day, feature, token…),
// never one per record, and money kept in integer nanos until the end.

import { averagePerCall, fromNanos } from '../core/money.js';
import type { DailyUsage } from './types.js';

/** Running totals for one key. */
export class Bucket {
  nanos = 0;
  calls = 0;
}

/** The bucket for `key`, created on first use. */
export function bucketOf(map: Map<string, Bucket>, key: string): Bucket {
  let b = map.get(key);
  if (b === undefined) {
    b = new Bucket();
    map.set(key, b);
  }
  return b;
}

/** `{ totalCost, totalCalls, avgCostPerCall }` of a bucket, in USD. */
export function totalsOf(b: Bucket): { totalCost: number; totalCalls: number; avgCostPerCall: number } {
  return {
    totalCost: fromNanos(b.nanos),
    totalCalls: b.calls,
    avgCostPerCall: averagePerCall(b.nanos, b.calls),
  };
}

/** Day buckets → `DailyUsage[]` in date order. */
export function dailyOf(days: Map<string, Bucket>): DailyUsage[] {
  return [...days.keys()]
    .sort()
    .map((date) => ({ date, cost: fromNanos(days.get(date)!.nanos), calls: days.get(date)!.calls }));
}

/** Compares by cost descending, then by name, so equal spend still lists in a stable order. */
export function byCostThenName<T>(name: (x: T) => string, nanos: (x: T) => number) {
  return (a: T, b: T): number => nanos(b) - nanos(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}
