// Time: the one home of durations and calendar-day arithmetic.
// Calendar days as integers (days since 1970-01-01, UTC) so ranges, windows and gaps are plain
// arithmetic. Eden's cost API speaks in calendar days; a `Date` maps to its UTC day.
import { InvalidInputError } from './errors.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An inclusive range of calendar days, as the caller gives it. */
export interface DateRangeInput {
  /** First day, inclusive: a `Date` (its UTC day) or `YYYY-MM-DD`. */
  from: Date | string;
  /** Last day, inclusive: a `Date` (its UTC day) or `YYYY-MM-DD`. */
  to: Date | string;
}

/** A normalized inclusive range: both ends `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

/** `YYYY-MM-DD` → day number; `undefined` unless it is a real calendar day. */
export function parseDay(text: string): number | undefined {
  const m = ISO_DAY.exec(text);
  if (!m) return undefined;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  return formatDay(day) === text ? day : undefined;
}

/** Day number → `YYYY-MM-DD`. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC calendar day of an instant. */
export function utcDay(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

/** Parses one end of a range; throws `InvalidInputError` naming `field`. */
export function toDay(value: unknown, field: string): number {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidInputError(`${field} is an invalid Date`, { field });
    return utcDay(value);
  }
  if (typeof value === 'string') {
    const day = parseDay(value);
    if (day !== undefined) return day;
  }
  throw new InvalidInputError(
    `${field} must be a Date or a real calendar day as YYYY-MM-DD, got ${JSON.stringify(String(value))}`,
    { field },
  );
}

/**
 * Validates `{ from, to }` (both inclusive) and returns day numbers.
 * Throws `InvalidInputError` when either end is invalid or `from` is after `to`.
 */
export function parseRange(range: unknown): { from: number; to: number } {
  if (typeof range !== 'object' || range === null) {
    throw new InvalidInputError('range must be an object { from, to }', { field: 'range' });
  }
  const { from, to } = range as Record<string, unknown>;
  const a = toDay(from, 'range.from');
  const b = toDay(to, 'range.to');
  if (a > b) {
    throw new InvalidInputError(`range.from (${formatDay(a)}) is after range.to (${formatDay(b)})`, {
      field: 'range',
    });
  }
  return { from: a, to: b };
}
