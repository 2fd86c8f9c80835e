// Key bodies as the v3 Management API sends them (`ManagementKey`): uuid id, member, masked value,
// balance as a decimal string, revocation fields. The value (`secret`) only in create and rotate answers.

import { nanosToDecimal } from '../../core/money.js';
import { formatDateTime } from './dates.js';
import type { KeyEntry } from './v3-keys.js';

const decimal = (nanos: number | null) => (nanos === null ? null : nanosToDecimal(nanos));

/** Eden's non-secret display form: `sk-eden-fake…c5d6`. */
export function masked(value: string): string {
  return `${value.slice(0, 12)}…${value.slice(-4)}`;
}

export function keyBody(entry: KeyEntry, secret?: string): Record<string, unknown> {
  const t = entry.record;
  return {
    id: entry.id,
    name: entry.name,
    token_type: t.tokenType,
    member: entry.member,
    masked: masked(entry.value),
    active_balance: t.activeBalance,
    balance: decimal(t.balance),
    balance_reset_period: t.resetPeriod,
    balance_reset_amount: decimal(t.resetAmount),
    expire_time: t.expireTime === null ? null : formatDateTime(t.expireTime),
    revoked: entry.revokedAt !== null,
    revoked_at: entry.revokedAt === null ? null : formatDateTime(entry.revokedAt),
    ...(secret === undefined ? {} : { secret }),
  };
}

/** `{count, next, previous, results}` with DRF's absolute page links. */
export function pageBody(
  url: URL,
  entries: readonly KeyEntry[],
  limit: number,
  offset: number,
): Record<string, unknown> {
  const link = (at: number) => {
    const next = new URL(url.pathname, url.origin);
    next.searchParams.set('limit', String(limit));
    if (at > 0) next.searchParams.set('offset', String(at));
    return next.toString();
  };
  return {
    count: entries.length,
    next: offset + limit < entries.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: entries.slice(offset, offset + limit).map((e) => keyBody(e)),
  };
}
