// Eden refills periodic budgets at local midnight in Europe/Paris: daily, weekly on Monday,
// monthly on the 1st. Paris shifts between UTC+1 and UTC+2, so the instant is found with Intl
// (no time-zone library needed); midnight always exists there (clocks change at 02:00/03:00).

import { DAY_MS, formatDay } from '../core/time.js';
import type { ResetPeriod } from '../ports/backend.js';

/**
 * Eden's budget-reset time zone.
 * @example nextResetAt(new Date(), 'monthly', RESET_TIME_ZONE);
 */
export const RESET_TIME_ZONE = 'Europe/Paris';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in `timeZone` of an instant, read as if it were UTC (ms). */
function wallClockMs(instant: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
}

/** The instant of local midnight starting `day` (days since 1970-01-01) in `timeZone`. */
export function zonedMidnight(day: number, timeZone: string = RESET_TIME_ZONE): Date {
  const wall = day * DAY_MS;
  let instant = wall;
  // Two rounds settle the offset (the first guess may sit on the other side of a DST change).
  for (let i = 0; i < 3; i++) {
    const next = wall - (wallClockMs(instant, timeZone) - Math.floor(instant / 1000) * 1000);
    if (next === instant) break;
    instant = next;
  }
  return new Date(instant);
}

/** The local calendar day (days since 1970-01-01) of an instant in `timeZone`. */
export function zonedDay(instant: Date, timeZone: string = RESET_TIME_ZONE): number {
  return Math.floor(wallClockMs(instant.getTime(), timeZone) / DAY_MS);
}

/**
 * The next budget refill strictly after `now`, or `null` for `'none'`.
 *
 * @example
 * ```ts
 * nextResetAt(new Date('2024-03-30T12:00:00Z'), 'weekly'); // 2024-03-31T22:00:00Z (Monday 00:00 CEST)
 * ```
 */
export function nextResetAt(now: Date, period: ResetPeriod, timeZone: string = RESET_TIME_ZONE): Date | null {
  if (period === 'none') return null;
  const today = zonedDay(now, timeZone);
  if (period === 'daily') return zonedMidnight(today + 1, timeZone);
  if (period === 'weekly') {
    const weekday = (((today + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
    return zonedMidnight(today + 7 - weekday, timeZone);
  }
  const [y, m] = formatDay(today).split('-').map(Number) as [number, number];
  return zonedMidnight(Date.UTC(y, m, 1) / DAY_MS, timeZone);
}
