// Text helpers shared by the commands' human output: days left, balances, aligned columns, and the
// natural order of names. Money, percentages and dates come from core/format, the one formatter.
import { formatUsd } from '../core/format.js';
import { DAY_MS } from '../core/time.js';
import { stripAnsi } from './output.js';

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

/** A balance as the listings show it: `$1,000.00`, or `unlimited` when no budget applies. */
export function balanceText(t: { activeBalance: boolean; balance: number | null }): string {
  return t.activeBalance && t.balance !== null ? formatUsd(t.balance) : 'unlimited';
}

const collator = new Intl.Collator('en', { numeric: true });

/** Names in the order people expect: `svc1, svc2, svc10`, not `svc1, svc10, svc2`. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
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
