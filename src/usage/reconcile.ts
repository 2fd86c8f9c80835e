import { InvalidInputError } from '../core/errors.js';
import { fromNanos, toNanos } from '../core/money.js';
import type { DayRange } from '../core/time.js';
import type { ReconcileTolerance, Reconciliation } from './types.js';

export const DEFAULT_TOLERANCE: Required<ReconcileTolerance> = { absolute: 0.01, relative: 0.01 };

/** Validates the numbers of a reconcile call up front (before any request). */
export function checkReconcileNumbers(input: {
  balanceBefore: unknown;
  balanceAfter: unknown;
  credited?: unknown;
  tolerance?: ReconcileTolerance | undefined;
}): void {
  const finite = (v: unknown, field: string, min?: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (min !== undefined && v < min)) {
      throw new InvalidInputError(
        `${field} must be a finite number${min !== undefined ? ` ≥ ${min}` : ''}, got ${String(v)}`,
        { field },
      );
    }
  };
  finite(input.balanceBefore, 'balanceBefore');
  finite(input.balanceAfter, 'balanceAfter');
  if (input.credited !== undefined) finite(input.credited, 'credited', 0);
  if (input.tolerance?.absolute !== undefined) finite(input.tolerance.absolute, 'tolerance.absolute', 0);
  if (input.tolerance?.relative !== undefined) finite(input.tolerance.relative, 'tolerance.relative', 0);
}

/**
 * Compares the balance drop with the reported cost. The gap allowed is the larger of the
 * absolute tolerance and the relative one (times the larger of drop and cost). All in nanos.
 */
export function compareBalance(input: {
  name: string;
  tokenName: string;
  range: DayRange;
  balanceBefore: number;
  balanceAfter: number;
  credited?: number | undefined;
  reportedCost: number;
  tolerance?: ReconcileTolerance | undefined;
}): Reconciliation {
  const tol = { ...DEFAULT_TOLERANCE, ...input.tolerance };
  const drop = toNanos(input.balanceBefore) + toNanos(input.credited ?? 0) - toNanos(input.balanceAfter);
  const cost = toNanos(input.reportedCost);
  const diff = drop - cost;
  const allowed = Math.max(toNanos(tol.absolute), Math.round(tol.relative * Math.max(Math.abs(drop), cost)));
  const ok = Math.abs(diff) <= allowed;
  const usd = (n: number) => `$${fromNanos(n).toFixed(4)}`;
  const { from, to } = input.range;
  const message = ok
    ? `${input.tokenName} ${from}..${to}: balance drop ${usd(drop)} matches reported cost ${usd(cost)}`
    : `${input.tokenName} ${from}..${to}: balance dropped ${usd(drop)} but Eden reports ${usd(cost)} ` +
      `(${diff > 0 ? 'unexplained spend' : 'reported cost not charged'} ${usd(Math.abs(diff))}, allowed ${usd(allowed)})`;
  return {
    name: input.name,
    tokenName: input.tokenName,
    range: input.range,
    balanceDrop: fromNanos(drop),
    reportedCost: fromNanos(cost),
    difference: fromNanos(diff),
    allowed: fromNanos(allowed),
    ok,
    message,
  };
}
