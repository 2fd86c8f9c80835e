// Eden refills periodic budgets at midnight Europe/Paris. Rather than computing instants, each
// reset period gets a key for the Paris-local period an instant falls in; a refill is due when
// the key of "now" is later than the key recorded at the last check.
import { formatDay, isoWeekday, parseDay } from './dates.js';
import type { FakeResetPeriod } from './types.js';

// formatToParts rather than a locale's pattern: builds with small ICU may lack the en-CA format.
const parisDate = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

let cachedMs = Number.NaN;
let cachedDay = '';

/** The Paris-local calendar day of an instant, `YYYY-MM-DD`. */
export function parisDay(now: Date): string {
  const ms = now.getTime();
  if (ms !== cachedMs) {
    const parts: Record<string, string> = {};
    for (const part of parisDate.formatToParts(now)) parts[part.type] = part.value;
    cachedMs = ms;
    cachedDay = `${parts.year}-${parts.month}-${parts.day}`;
  }
  return cachedDay;
}

/**
 * The key of the Paris-local period `now` falls in: the day (daily), the week's Monday (weekly) or
 * `YYYY-MM` (monthly). Keys of one period kind compare in time order as strings.
 */
export function parisPeriodKey(now: Date, period: Exclude<FakeResetPeriod, 'none'>): string {
  const day = parisDay(now);
  if (period === 'daily') return day;
  if (period === 'monthly') return day.slice(0, 7);
  const n = parseDay(day)!;
  return formatDay(n - isoWeekday(n));
}
