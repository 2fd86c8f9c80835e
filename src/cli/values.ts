import { usageError } from './errors.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `90d`, `12h`, `30m`, `2w` (or a bare number of days) → milliseconds. */
export function parseDurationMs(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([mhdw]?)$/.exec(text.trim());
  if (!m) throw usageError(`--${flag} expects a duration like 7d, 12h or 30m, got "${text}"`);
  const unit = (m[2] || 'd') as keyof typeof UNIT_MS;
  return Number(m[1]) * UNIT_MS[unit];
}

/** A duration that must be whole days: `90d`, `2w`, `90`. */
export function parseDays(flag: string, text: string): number {
  const days = parseDurationMs(flag, text) / UNIT_MS.d;
  if (!Number.isInteger(days) || days <= 0) {
    throw usageError(`--${flag} must be a whole number of days (e.g. 30d), got "${text}"`);
  }
  return days;
}

/** A USD amount: `50`, `12.5`, `$500`. The SDK enforces policy limits; this only checks the shape. */
export function parseMoney(flag: string, text: string): number {
  const m = /^\$?(\d+(?:\.\d{1,9})?)$/.exec(text.trim());
  if (!m) throw usageError(`--${flag} expects an amount in USD like 50 or 12.50, got "${text}"`);
  return Number(m[1]);
}

export function parsePositiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`--${flag} expects a positive integer, got "${text}"`);
  return n;
}

/** `YYYY-MM-DD`, checked to be a real calendar day. */
export function parseDay(flag: string, text: string): string {
  const d = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(d.getTime()) || isoDay(d) !== text) {
    throw usageError(`--${flag} expects a date as YYYY-MM-DD, got "${text}"`);
  }
  return text;
}

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Returns a string option's value, or throws a usage error naming the allowed values. */
export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw usageError(`--${flag} must be one of ${allowed.join(', ')}; got "${text}"`);
}
