// Numbers and dates as people read them: the one formatter for money, for percentages and for
// instants, used by every text the SDK and the CLI print (JSON and CSV keep plain numbers).
// Done by hand rather than with Intl or toFixed: output must not depend on the machine's locale,
// and toFixed rounds binary floats (1.005 → "1.00"); nano-dollars round decimals exactly.
import { toNanos } from './money.js';

function withSeparators(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1234567` → `"1,234,567"`. */
export function formatCount(n: number): string {
  return (n < 0 ? '-' : '') + withSeparators(String(Math.abs(Math.round(n))));
}

/**
 * USD with thousands separators: `1000` → `"$1,000.00"`, `-0.5` → `"-$0.50"`. Two decimals unless
 * asked for more (an average cost per call: `formatUsd(0.0142, 4)` → `"$0.0142"`).
 */
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

/**
 * A fraction as a percentage, at most one decimal and no space: `0.75` → `"75%"`,
 * `0.192` → `"19.2%"`, `0.8449` → `"84.5%"`.
 */
export function formatPercent(fraction: number): string {
  const tenths = Math.round(fraction * 1000);
  const sign = tenths < 0 ? '-' : '';
  const abs = Math.abs(tenths);
  const whole = withSeparators(String(Math.floor(abs / 10)));
  return `${sign}${whole}${abs % 10 === 0 ? '' : `.${abs % 10}`}%`;
}

/** An instant's UTC calendar day: `"2024-03-20"`. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** An instant to the minute, in UTC and saying so: `"2024-03-20 09:00 UTC"`. */
export function formatDateTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
