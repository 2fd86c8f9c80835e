import type { EdenToken } from '../../ports/backend.js';
import type { ManagedToken } from '../../registry/types.js';
import { daysLeft } from './format.js';

/**
 * What `--json` prints for a token. Built field by field from an allow-list, so nothing else an
 * SDK object carries (a `secret`, unknown server fields) can reach the output. Keys are stable.
 */
export interface TokenView {
  name: string;
  tokenName: string;
  generation: number;
  environment: string;
  app: string;
  tokenType: string;
  balance: number | null;
  activeBalance: boolean;
  expireTime: string | null;
  daysLeft: number | null;
  balanceResetPeriod: string;
  balanceResetAmount: number | null;
  secretRef: string;
  generations: string[];
}

export interface UnmanagedTokenView {
  name: string;
  tokenType: string;
  balance: number | null;
  activeBalance: boolean;
  expireTime: string | null;
  daysLeft: number | null;
}

export function tokenView(t: ManagedToken, now: Date): TokenView {
  return {
    name: t.name,
    tokenName: t.tokenName,
    generation: t.generation,
    environment: t.environment,
    app: t.app,
    tokenType: t.tokenType,
    balance: t.balance,
    activeBalance: t.activeBalance,
    expireTime: t.expireTime?.toISOString() ?? null,
    daysLeft: daysLeft(t.expireTime, now),
    balanceResetPeriod: t.balanceResetPeriod,
    balanceResetAmount: t.balanceResetAmount,
    secretRef: t.secretRef,
    generations: [...t.generations],
  };
}

export function unmanagedView(t: EdenToken, now: Date): UnmanagedTokenView {
  return {
    name: t.name,
    tokenType: t.tokenType,
    balance: t.balance,
    activeBalance: t.activeBalance,
    expireTime: t.expireTime?.toISOString() ?? null,
    daysLeft: daysLeft(t.expireTime, now),
  };
}
