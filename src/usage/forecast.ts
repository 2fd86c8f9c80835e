// Forecasts and Eden's budget calendar. Eden refills periodic budgets at local midnight in
// Europe/Paris: daily, weekly on Monday, monthly on the 1st. Paris shifts between UTC+1 and UTC+2,
// so instants are found with Intl (no time-zone library needed); midnight always exists there
// (clocks change at 02:00/03:00).

import { ConfigurationError } from '../core/errors.js';
import { DAY_MS, type DayRange, formatDay, utcDay } from '../core/time.js';
import type { ResetPeriod } from '../ports/backend.js';
import type { ManagedToken } from '../registry/types.js';
import type { UsageForecast } from './types.js';

/**
 * Eden's budget-reset time zone: the default `timeZone` of `UsageMonitor` and `AlertSystem`.
 * @example nextResetAt(new Date(), 'monthly', DEFAULT_TIME_ZONE);
 */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

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

/** Throws `ConfigurationError` for a time zone the runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatFor(timeZone);
  } catch {
    throw new ConfigurationError(
      `Unknown timeZone "${timeZone}" (use an IANA time zone such as ${DEFAULT_TIME_ZONE})`,
    );
  }
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
function zonedMidnight(day: number, timeZone: string): Date {
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
function zonedDay(instant: Date, timeZone: string): number {
  return Math.floor(wallClockMs(instant.getTime(), timeZone) / DAY_MS);
}

/** Days since the Monday of `day`'s week (1970-01-01 was a Thursday). */
function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * The next budget refill strictly after `now`, or `null` for `'none'`.
 *
 * @example
 * ```ts
 * nextResetAt(new Date('2024-03-30T12:00:00Z'), 'weekly'); // 2024-03-31T22:00:00Z (Monday 00:00 CEST)
 * ```
 */
export function nextResetAt(
  now: Date,
  period: ResetPeriod,
  timeZone: string = DEFAULT_TIME_ZONE,
): Date | null {
  if (period === 'none') return null;
  const today = zonedDay(now, timeZone);
  if (period === 'daily') return zonedMidnight(today + 1, timeZone);
  if (period === 'weekly') return zonedMidnight(today + 7 - weekday(today), timeZone);
  const [y, m] = formatDay(today).split('-').map(Number) as [number, number];
  return zonedMidnight(Date.UTC(y, m, 1) / DAY_MS, timeZone);
}

/**
 * Keys of the budget period an instant falls in, in the reset time zone: the local day (daily),
 * the Monday of the local week (weekly), `YYYY-MM` (monthly), and `allocation` for budgets that
 * never reset (one period per allocated budget, across generations: rotation carries it). Built
 * once per alert run: every token of a run shares the same "now".
 */
export function periodKeys(now: Date, timeZone: string): Record<ResetPeriod, string> {
  const today = zonedDay(now, timeZone);
  const day = formatDay(today);
  return {
    none: 'allocation',
    daily: day,
    weekly: `week-${formatDay(today - weekday(today))}`,
    monthly: day.slice(0, 7),
  };
}

/** The last `windowDays` complete (UTC) days before `now`: today is partial, so it is left out. */
export function forecastWindow(now: Date, windowDays: number): DayRange {
  const today = utcDay(now);
  return { from: formatDay(today - windowDays), to: formatDay(today - 1) };
}

export interface ForecastInput {
  token: ManagedToken;
  now: Date;
  window: DayRange;
  windowDays: number;
  /** USD spent over the window, all generations. */
  windowCost: number;
  timeZone: string;
}

/**
 * Projects the balance forward at the window's average daily spend. The balance is the current
 * generation's and the budget the logical token's, as the registry reports them; a balance that is
 * not enforced is unlimited.
 */
export function computeForecast(input: ForecastInput): UsageForecast {
  const { token, now, windowDays, windowCost } = input;
  const burnRatePerDay = windowCost / windowDays;
  const balance = token.activeBalance ? token.balance : null;
  const budget = token.activeBalance ? (token.budget ?? null) : null;
  let daysUntilExhausted: number | null = null;
  if (balance !== null) {
    if (balance <= 0) daysUntilExhausted = 0;
    else if (burnRatePerDay > 0) daysUntilExhausted = balance / burnRatePerDay;
  }
  const exhaustsAt =
    daysUntilExhausted === null ? null : new Date(now.getTime() + daysUntilExhausted * DAY_MS);
  const nextReset = nextResetAt(now, token.balanceResetPeriod, input.timeZone);
  const expireTime = token.expireTime;
  const flags = exhaustionFlags(exhaustsAt, expireTime, nextReset);
  return {
    name: token.name,
    tokenName: token.tokenName,
    asOf: now,
    window: input.window,
    windowDays,
    windowCost,
    burnRatePerDay,
    balance,
    budget,
    budgetUsed: budget !== null && budget > 0 && balance !== null ? 1 - balance / budget : null,
    daysUntilExhausted,
    exhaustsAt,
    expireTime,
    exhaustsBeforeExpiry: flags.beforeExpiry,
    resetPeriod: token.balanceResetPeriod,
    nextResetAt: nextReset,
    exhaustsBeforeReset: flags.beforeReset,
  };
}

/**
 * Which limit the balance runs out before, if any. The next limit is the earlier of expiry and
 * reset (either may be absent). The flags are exclusive, and `beforeExpiry || beforeReset`
 * means "runs dry while the token is still valid and before any refill": a balance that runs
 * out after a reset refills it, or after the token expired, is no problem.
 */
export function exhaustionFlags(
  exhaustsAt: Date | null,
  expireTime: Date | null,
  nextReset: Date | null,
): { beforeExpiry: boolean; beforeReset: boolean } {
  if (exhaustsAt === null) return { beforeExpiry: false, beforeReset: false };
  const at = exhaustsAt.getTime();
  const expiry = expireTime?.getTime() ?? Number.POSITIVE_INFINITY;
  const reset = nextReset?.getTime() ?? Number.POSITIVE_INFINITY;
  const resetFirst = nextReset !== null && reset <= expiry;
  return {
    beforeExpiry: !resetFirst && at < expiry,
    beforeReset: resetFirst && at < reset,
  };
}
