// What a rotation will do, computed from one snapshot of the current generation, before any write.

import { InvalidInputError, PolicyViolationError } from '../core/errors.js';
import { MAX_EXPIRY_DAYS } from '../core/limits.js';
import { toCents } from '../core/money.js';
import type { ResetPeriod, TokenType } from '../ports/backend.js';
import { formatTokenName, splitGeneration } from '../registry/naming.js';
import type { EnvironmentPolicy } from '../registry/policy.js';
import type { ManagedToken } from '../registry/types.js';
import { allowanceCents } from './money.js';
import type { GraceAllowance, RotationMode } from './types.js';

const DAY_MS = 86_400_000;

export interface RotationPlan {
  name: string;
  mode: RotationMode;
  environment: string;
  secretRef: string;
  oldTokenName: string;
  oldGeneration: number;
  newTokenName: string;
  newGeneration: number;
  tokenType: TokenType;
  budgeted: boolean;
  oldBalance: number | null;
  balanceCents: number;
  allowanceCents: number;
  newBalanceCents: number;
  oldResetPeriod: ResetPeriod;
  oldResetAmount: number | null;
  oldExpireTime: Date | null;
  newExpireTime: Date | null;
}

export interface PlanInput {
  policy: EnvironmentPolicy;
  now: Date;
  gracePeriodMs: number;
  graceAllowance: GraceAllowance | undefined;
  expiresInDays: number | undefined;
  /** Carry the old expiry only when it is further away than this. */
  windowMs: number;
  /** Rotate with the backend's native rotate: same key, same budget, new value. */
  native: boolean;
}

/** Validates `expiresInDays` against the policy (before anything is written). */
export function checkExpiresInDays(
  environment: string,
  policy: EnvironmentPolicy,
  days: number | undefined,
): void {
  if (days === undefined) return;
  if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS) {
    throw new InvalidInputError(
      `expiresInDays must be an integer from 1 to ${MAX_EXPIRY_DAYS}, got ${String(days)}`,
      {
        field: 'expiresInDays',
      },
    );
  }
  const max = policy.expiry?.maxDays;
  if (max !== undefined && days > max) {
    throw new PolicyViolationError(
      `${environment}: expiresInDays ${days} exceeds the policy's expiry.maxDays (${max})`,
      { environment, rule: 'expiry.maxDays', value: days },
    );
  }
}

/**
 * Expiry rule of a new generation, first match wins:
 * 1. `expiresInDays` (option) from now;
 * 2. the environment's `expiry.defaultDays` from now;
 * 3. the old generation's expiry, when it is further away than the rotation window;
 * 4. the policy's `expiry.maxDays` from now when the policy requires an expiry;
 * 5. none.
 * Never later than `expiry.maxDays` from now.
 */
export function newExpiry(
  environment: string,
  oldExpire: Date | null,
  input: Pick<PlanInput, 'policy' | 'now' | 'expiresInDays' | 'windowMs'>,
): Date | null {
  const { policy, now, expiresInDays, windowMs } = input;
  const expiry = policy.expiry;
  const max = expiry?.maxDays !== undefined ? new Date(now.getTime() + expiry.maxDays * DAY_MS) : undefined;
  let at: Date | null = null;
  if (expiresInDays !== undefined) at = new Date(now.getTime() + expiresInDays * DAY_MS);
  else if (expiry?.defaultDays !== undefined) at = new Date(now.getTime() + expiry.defaultDays * DAY_MS);
  else if (oldExpire && oldExpire.getTime() - now.getTime() > windowMs) at = oldExpire;
  else if (expiry?.required) {
    if (!max) {
      throw new PolicyViolationError(
        `${environment}: the policy requires an expiry but sets no defaultDays or maxDays; pass expiresInDays`,
        { environment, rule: 'expiry.required' },
      );
    }
    at = max;
  }
  if (at && max && at.getTime() > max.getTime()) at = max;
  return at;
}

/**
 * The plan for rotating `token` (the current generation): to the next generation, or (native) the
 * same key with a new value, where nothing is split or moved.
 */
export function planRotation(token: ManagedToken, input: PlanInput): RotationPlan {
  const budgeted = token.activeBalance;
  const balanceCents = budgeted ? toCents(token.balance) : 0;
  const shared = {
    name: token.name,
    environment: token.environment,
    secretRef: token.secretRef,
    oldTokenName: token.tokenName,
    oldGeneration: token.generation,
    tokenType: token.tokenType,
    budgeted,
    oldBalance: token.balance,
    balanceCents,
    oldResetPeriod: token.balanceResetPeriod,
    oldResetAmount: token.balanceResetAmount,
    oldExpireTime: token.expireTime,
    newExpireTime: newExpiry(token.environment, token.expireTime, input),
  };
  if (input.native) {
    return {
      ...shared,
      mode: 'native',
      newTokenName: token.tokenName,
      newGeneration: token.generation,
      allowanceCents: 0,
      newBalanceCents: balanceCents,
    };
  }
  const highest = Math.max(...token.generations.map((g) => splitGeneration(g).generation), token.generation);
  const newGeneration = highest + 1;
  const allowance = budgeted ? allowanceCents(balanceCents, input.gracePeriodMs, input.graceAllowance) : 0;
  return {
    ...shared,
    mode: 'generation',
    newTokenName: formatTokenName(token.environment, token.app, newGeneration),
    newGeneration,
    allowanceCents: allowance,
    newBalanceCents: balanceCents - allowance,
  };
}
