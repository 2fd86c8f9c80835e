/**
 * Conversions between SDK values and Eden's wire format (snake_case, decimal strings, ISO times).
 */

const ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Eden sometimes sends naive ISO times (`2026-03-04T16:03:29.123456`): those are UTC. */
export function parseWireTime(value: string): Date | undefined {
  const text = value.trim();
  const iso = text.includes('T') && !ZONE.test(text) ? `${text}Z` : text;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Money → Eden's decimal string: no exponent, at most 9 decimals, at least 2 (`50.00`). */
export function toDecimalString(value: number): string {
  const fixed = value.toFixed(9).replace(/0+$/, '');
  const [int, frac = ''] = fixed.split('.');
  return `${int}.${frac.padEnd(2, '0')}`;
}

/** `Date` (its UTC calendar day) or a valid `YYYY-MM-DD` string → `YYYY-MM-DD`; undefined if invalid. */
export function toDay(value: Date | string): string | undefined {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  }
  if (typeof value !== 'string') return undefined;
  const m = DAY.exec(value);
  if (!m) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  // Rejects impossible days such as 2026-02-30, which Date would roll over.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value ? value : undefined;
}

/** Eden's token path segment: encoded, with the trailing slash Eden requires. */
export function tokenPath(name: string): string {
  return `user/custom_token/${encodeURIComponent(name)}/`;
}
