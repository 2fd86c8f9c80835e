import type { ManagedToken } from '../../registry/types.js';
import { type CheckContext, plural, tokenAlert } from '../alert.js';
import type { Alert, AlertRules } from '../types.js';

/**
 * The one expiry alert of a token, if any: `expired` once the expiry time has passed, else
 * `expiring` for the tightest threshold reached (a token first seen 5 days out gets the 7-day
 * alert, not 14 and 7). Each threshold has its own id, so each fires once per generation.
 * `withinDays` (for `checkExpiringTokens(n)`) also reports tokens inside n days that no
 * configured threshold covers. `days` is `daysToExpiry(t.expireTime)`.
 */
export function expiryAlert(
  t: ManagedToken,
  days: number | null,
  rules: AlertRules,
  kinds: { expiring: boolean; expired: boolean },
  ctx: CheckContext,
  withinDays?: number,
): Alert | undefined {
  if (days === null || !t.expireTime) return undefined;
  if (t.expireTime.getTime() <= ctx.nowMs) {
    if (!kinds.expired) return undefined;
    const ago = -days;
    const when = ago === 0 ? 'today' : `${plural(ago, 'day')} ago`;
    return tokenAlert(
      t,
      'expired',
      'critical',
      `${t.name} expired ${when} (${isoDay(t.expireTime)}); requests with it are rejected`,
      ctx,
      undefined,
      undefined,
      { daysToExpiry: days },
    );
  }
  if (!kinds.expiring) return undefined;
  // expiryDays is sorted largest first: the last threshold still ≥ days is the tightest reached.
  let threshold: number | undefined;
  for (const d of rules.expiryDays) if (days <= d) threshold = d;
  if (withinDays !== undefined) {
    if (days > withinDays) return undefined;
    threshold ??= withinDays;
  }
  if (threshold === undefined) return undefined;
  return tokenAlert(
    t,
    'expiring',
    days <= rules.criticalDays ? 'critical' : 'warning',
    `${t.name} expires in ${plural(days, 'day')} (${isoDay(t.expireTime)})`,
    ctx,
    `${threshold}d`,
    undefined,
    { threshold, daysToExpiry: days },
  );
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
