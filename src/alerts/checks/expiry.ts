import type { ManagedToken } from '../../registry/types.js';
import { type CheckContext, plural, tokenAlert } from '../alert.js';
import { daysToExpiry } from '../periods.js';
import type { Alert, AlertRules } from '../types.js';

/**
 * The one expiry alert of a token, if any: `expired` once the expiry time has passed, else
 * `expiring` for the tightest threshold reached (a token first seen 5 days out gets the 7-day
 * alert, not 14 and 7). Each threshold has its own id, so each fires once per generation.
 * `withinDays` (for `checkExpiringTokens(n)`) also reports tokens inside n days that no
 * configured threshold covers.
 */
export function expiryAlert(
  t: ManagedToken,
  rules: AlertRules,
  ctx: CheckContext,
  withinDays?: number,
): Alert | undefined {
  const days = daysToExpiry(t.expireTime, ctx.nowMs);
  if (days === null || !t.expireTime) return undefined;
  const date = t.expireTime.toISOString().slice(0, 10);
  if (t.expireTime.getTime() <= ctx.nowMs) {
    if (rules.disabled.includes('expired')) return undefined;
    const ago = -days;
    const when = ago === 0 ? 'today' : `${plural(ago, 'day')} ago`;
    return tokenAlert(
      t,
      'expired',
      'critical',
      `${t.name} expired ${when} (${date}); requests with it are rejected`,
      ctx,
      [],
      { daysToExpiry: days },
    );
  }
  if (rules.disabled.includes('expiring')) return undefined;
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
    `${t.name} expires in ${plural(days, 'day')} (${date})`,
    ctx,
    [`${threshold}d`],
    { threshold, daysToExpiry: days },
  );
}
