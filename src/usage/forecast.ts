import { DAY_MS, type DayRange, formatDay, utcDay } from '../core/time.js';
import type { ManagedToken } from '../registry/types.js';
import { nextResetAt } from './resets.js';
import type { UsageForecast } from './types.js';

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
 * generation's, as the registry reports it; a balance that is not enforced is unlimited.
 */
export function computeForecast(input: ForecastInput): UsageForecast {
  const { token, now, windowDays, windowCost } = input;
  const burnRatePerDay = windowCost / windowDays;
  const balance = token.activeBalance ? token.balance : null;
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
