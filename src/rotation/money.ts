// Money as integer cents, so a budget split never drifts by a floating-point rounding.
import { ConfigurationError } from '../core/errors.js';
import type { GraceAllowance } from './types.js';

/**
 * USD → whole cents, rounded DOWN: a split computed from it can only lose a fraction of a cent,
 * never add one. Eden keeps 9 decimals, so the amount is first made exact in nano-dollars.
 */
export function toCents(usd: number | null | undefined): number {
  if (usd === null || usd === undefined || !Number.isFinite(usd) || usd <= 0) return 0;
  const nano = Math.round(usd * 1e9);
  return Math.floor(nano / 1e7);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** `1234` → `$12.34` */
export function formatUsd(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** True when `usd` is at most `cents` (compared exactly in nano-dollars). */
export function atMostCents(usd: number | null, cents: number): boolean {
  return Math.round((usd ?? 0) * 1e9) <= cents * 1e7;
}

/** True when `usd` equals `cents` to within half a cent. */
export function aboutCents(usd: number | null, cents: number): boolean {
  return Math.abs(Math.round((usd ?? 0) * 1e9) - cents * 1e7) < 5e6;
}

/**
 * The old generation's allowance in cents: the option (amount or function of the remaining
 * balance), else 10 % of the balance; 0 without a grace period; never more than the balance.
 */
export function allowanceCents(balanceCents: number, gracePeriodMs: number, option?: GraceAllowance): number {
  if (gracePeriodMs === 0) return 0;
  let cents: number;
  if (option === undefined) cents = Math.floor(balanceCents / 10);
  else {
    const usd = typeof option === 'function' ? option(balanceCents / 100) : option;
    if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
      throw new ConfigurationError(`graceAllowance must give a finite amount ≥ 0 (USD), got ${String(usd)}`);
    }
    cents = toCents(usd);
  }
  return Math.min(Math.max(cents, 0), balanceCents);
}

/** USD → integer nano-dollars (exact for Eden's 9 decimals); null counts as 0. */
export function toNano(usd: number | null | undefined): number {
  return usd === null || usd === undefined || !Number.isFinite(usd) ? 0 : Math.round(usd * 1e9);
}

/** Integer nano-dollars → USD, exact to 9 decimals on the wire. */
export function fromNano(nano: number): number {
  return nano / 1e9;
}
