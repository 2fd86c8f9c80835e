/** Small text helpers shared by the renderers: money, days, aligned columns. */
import { stripAnsi } from '../style.js';

const usdFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const intFormat = new Intl.NumberFormat('en-US');

/** `1234.5` → `$1,234.50`. */
export function usd(amount: number): string {
  return `${amount < 0 ? '-' : ''}$${usdFormat.format(Math.abs(amount))}`;
}

/** `8921` → `8,921`. */
export function int(n: number): string {
  return intFormat.format(n);
}

const DAY_MS = 86_400_000;

/**
 * Whole days left until `expireTime`, rounded up (a token created for 90 days shows 90), and 0 or
 * negative once expired: the same count the AlertSystem's thresholds use.
 */
export function daysLeft(expireTime: Date | null, now: Date): number | null {
  if (expireTime === null) return null;
  const ms = expireTime.getTime() - now.getTime();
  return ms <= 0 ? 0 - Math.floor(-ms / DAY_MS) : Math.ceil(ms / DAY_MS);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `expires in 12 days`, `expired today`, `expired 3 days ago`, `no expiry`. */
export function expiryText(days: number | null): string {
  if (days === null) return 'no expiry';
  if (days < 0) return `expired ${plural(-days, 'day')} ago`;
  if (days === 0) return 'expired today';
  return `expires in ${plural(days, 'day')}`;
}

/** Pads columns to align (ANSI colours do not count); `right` lists right-aligned columns (numbers). */
export function table(rows: string[][], options: { right?: number[]; indent?: string } = {}): string[] {
  const width = (s: string) => stripAnsi(s).length;
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, i) => Math.max(0, ...rows.map((r) => width(r[i] ?? ''))));
  return rows.map(
    (r) =>
      (options.indent ?? '') +
      r
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i]! - width(cell));
          if (i === r.length - 1 && !options.right?.includes(i)) return cell;
          return options.right?.includes(i) ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
  );
}

export const RULE = '='.repeat(60);
export const THIN_RULE = '-'.repeat(60);
