import { averagePerCall, fromNanos, toNanos } from '../../core/money.js';
import type { UsageReport } from '../types.js';

/** Money columns of a summary line. */
export type Totals = { totalCost: number; totalCalls: number; avgCostPerCall: number };

/**
 * The managed total plus the unmanaged usage: the "Total including unmanaged" line. Summed in
 * nano-dollars so the grand total is exact.
 */
export function totalIncludingUnmanaged(report: UsageReport, unmanaged: Totals): Totals {
  const nanos = toNanos(report.totalCost) + toNanos(unmanaged.totalCost);
  const calls = report.totalCalls + unmanaged.totalCalls;
  return { totalCost: fromNanos(nanos), totalCalls: calls, avgCostPerCall: averagePerCall(nanos, calls) };
}
