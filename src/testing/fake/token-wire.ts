// Token bodies as Eden sends them: balance as a 9-decimal string on create, a number elsewhere.

import { fromNanos, nanosToDecimal } from '../../core/money.js';
import { formatDateTime } from './dates.js';
import type { TokenRecord } from './token-rules.js';

export type TokenValueMode = 'readable' | 'masked';

const money = (nanos: number | null) => (nanos === null ? null : fromNanos(nanos));
const time = (date: Date | null) => (date === null ? null : formatDateTime(date));

/** 201 body of POST: no `token` (Eden's documented fix aefe454). */
export function createdBody(t: TokenRecord): Record<string, unknown> {
  return {
    name: t.name,
    token_type: t.tokenType,
    balance: t.balance === null ? null : nanosToDecimal(t.balance),
    active_balance: t.activeBalance,
    expire_time: time(t.expireTime),
    balance_reset_period: t.resetPeriod,
    balance_reset_amount: t.resetAmount === null ? null : nanosToDecimal(t.resetAmount),
  };
}

/** List and GET body: the value in 'readable' mode, Eden's newer masked fields in 'masked' mode. */
export function readBody(t: TokenRecord, mode: TokenValueMode): Record<string, unknown> {
  const common = {
    token_type: t.tokenType,
    balance: money(t.balance),
    active_balance: t.activeBalance,
    expire_time: time(t.expireTime),
    balance_reset_amount: money(t.resetAmount),
    balance_reset_period: t.resetPeriod,
  };
  if (mode === 'readable') return { name: t.name, token: t.value, ...common };
  const prefix = t.value.slice(0, 12);
  const last4 = t.value.slice(-4);
  return {
    name: t.name,
    label: t.name,
    masked: `${prefix}…${last4}`,
    key_prefix: prefix,
    last4,
    revoked: false,
    ...common,
    legacy: false,
    synthesized: false,
  };
}

/** 200 body of PATCH. */
export function patchedBody(t: TokenRecord): Record<string, unknown> {
  return {
    name: t.name,
    token_type: t.tokenType,
    balance: money(t.balance),
    expire_time: time(t.expireTime),
    active_balance: t.activeBalance,
    balance_reset_amount: money(t.resetAmount),
    balance_reset_period: t.resetPeriod,
  };
}
