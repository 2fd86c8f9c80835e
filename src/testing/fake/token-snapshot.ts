// What tests see of a stored token (fake.tokens() and fake.keys()): USD, and copies of dates.
import { fromNanos } from '../../core/money.js';
import type { TokenRecord } from './token-rules.js';
import type { FakeTokenSnapshot } from './types.js';

/** A record's public fields but its name (a key's name comes from its index entry). */
export function tokenSnapshotFields(t: TokenRecord): Omit<FakeTokenSnapshot, 'name'> {
  return {
    tokenType: t.tokenType,
    balance: t.balance === null ? null : fromNanos(t.balance),
    activeBalance: t.activeBalance,
    expireTime: t.expireTime === null ? null : new Date(t.expireTime.getTime()),
    balanceResetPeriod: t.resetPeriod,
    balanceResetAmount: t.resetAmount === null ? null : fromNanos(t.resetAmount),
  };
}
