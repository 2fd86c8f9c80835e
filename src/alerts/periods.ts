import { ConfigurationError } from '../core/errors.js';
import type { ResetPeriod } from '../ports/backend.js';

const DAY_MS = 86_400_000;

/**
 * Whole days left before `expireTime`, rounded up, so "≤ 7 days" holds exactly when at most
 * seven days remain. 0 or negative once expired; `null` when the token never expires.
 */
export function daysToExpiry(expireTime: Date | null, nowMs: number): number | null {
  if (!expireTime) return null;
  const ms = expireTime.getTime() - nowMs;
  return ms <= 0 ? 0 - Math.floor(-ms / DAY_MS) : Math.ceil(ms / DAY_MS);
}

/**
 * Keys of the budget period an instant falls in, in the reset time zone (Eden resets at midnight
 * Europe/Paris): the local day (daily), the Monday of the local week (weekly), `YYYY-MM` (monthly),
 * and `generation` for budgets that never reset (one period per token generation). Built once per
 * run: every token of a run shares the same "now".
 */
export function periodKeys(now: Date, timeZone: string): Record<ResetPeriod, string> {
  const day = localDay(now, timeZone);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const utc = Date.UTC(y, m - 1, d);
  const mondayOffset = (new Date(utc).getUTCDay() + 6) % 7;
  const monday = new Date(utc - mondayOffset * DAY_MS).toISOString().slice(0, 10);
  return { none: 'generation', daily: day, weekly: `week-${monday}`, monthly: day.slice(0, 7) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws `ConfigurationError` for a time zone the runtime does not know. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new ConfigurationError(`Unknown time zone "${timeZone}" (use an IANA name such as Europe/Paris)`);
  }
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

function localDay(now: Date, timeZone: string): string {
  return formatter(timeZone).format(now);
}
