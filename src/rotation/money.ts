// Money as integer cents, so a budget split never drifts by a floating-point rounding.
import { ConfigurationError } from '../core/errors.js';
import { toCents } from '../core/money.js';
import type { GraceAllowance } from './types.js';

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
