// Number formatting done by hand rather than with Intl or toFixed: output must not depend on the
// machine's locale, and toFixed rounds binary floats (1.005 → "1.00"); nanos round decimals.
import { toNanos } from '../../core/money.js';

function withSeparators(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1234567` → `"1,234,567"`. */
export function formatCount(n: number): string {
  return (n < 0 ? '-' : '') + withSeparators(String(Math.abs(Math.round(n))));
}

/** USD with thousands separators and a fixed number of decimals: `"$1,234.50"`, `"-$0.0142"`. */
export function formatUsd(usd: number, decimals = 2): string {
  const nanos = toNanos(usd);
  const scale = 10 ** (9 - decimals);
  // Round the magnitude half-up, so -0.005 and 0.005 mirror each other.
  const units = Math.round(Math.abs(nanos) / scale);
  const base = 10 ** decimals;
  const whole = withSeparators(String(Math.floor(units / base)));
  const frac = decimals > 0 ? `.${String(units % base).padStart(decimals, '0')}` : '';
  return `${nanos < 0 && units > 0 ? '-' : ''}$${whole}${frac}`;
}

/** Exact plain decimal for machines (CSV): no separators, at least 2 decimals, up to 9: `"0.0001"`. */
export function formatDecimal(usd: number): string {
  const nanos = toNanos(usd);
  const abs = Math.abs(nanos);
  const whole = Math.floor(abs / 1e9);
  const frac = String(abs % 1e9)
    .padStart(9, '0')
    .replace(/0{1,7}$/, '');
  return `${nanos < 0 ? '-' : ''}${whole}.${frac}`;
}
