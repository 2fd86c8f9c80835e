import { InvalidInputError } from '../core/errors.js';
import type { CreateTokenInput, UpdateTokenInput } from '../ports/backend.js';
import { addDays, assertDays, assertMoney, roundMoney } from './input.js';
import type { EnvironmentPolicy } from './policy.js';
import { checkBudget, checkExpiryDate, type ResolvedSettings } from './rules.js';
import type { ManagedToken } from './types.js';

/** The Eden create body for resolved settings: a budget is enforced, and refilled when a period applies. */
export function createBody(name: string, s: ResolvedSettings, now: Date): CreateTokenInput {
  const body: CreateTokenInput = { name, tokenType: s.tokenType };
  if (s.budget === undefined) body.activeBalance = false;
  else {
    body.balance = s.budget;
    body.activeBalance = true;
    if (s.resetPeriod !== 'none') {
      body.balanceResetPeriod = s.resetPeriod;
      body.balanceResetAmount = s.budget;
    }
  }
  if (s.expiresInDays !== undefined) body.expireTime = addDays(now, s.expiresInDays);
  return body;
}

/** `setBudget`: the balance becomes `amount` and is enforced; a periodic token refills to it too. */
export function budgetPatch(
  token: ManagedToken,
  policy: EnvironmentPolicy,
  amount: unknown,
): UpdateTokenInput {
  assertMoney(amount, 'amount');
  checkBudget(token.environment, policy, amount);
  return {
    balance: amount,
    activeBalance: true,
    ...(token.balanceResetPeriod !== 'none' && { balanceResetAmount: amount }),
  };
}

/**
 * `topUp`: a one-off addition to the current balance (the periodic reset amount stays). A token
 * without an enforced budget spends without limit, so adding to it means nothing: InvalidInputError.
 */
export function topUpPatch(
  token: ManagedToken,
  policy: EnvironmentPolicy,
  amount: unknown,
): UpdateTokenInput {
  assertMoney(amount, 'amount', { positive: true });
  if (!token.activeBalance) {
    throw new InvalidInputError(
      `Token "${token.name}" has no budget (unlimited spending), so there is nothing to top up: use setBudget to give it one`,
      { field: 'name' },
    );
  }
  const balance = roundMoney((token.balance ?? 0) + amount);
  assertMoney(balance, 'balance after top-up');
  checkBudget(token.environment, policy, balance, 'Balance after top-up');
  return { balance };
}

/**
 * `extend`: the expiry moves `days` past the current expiry, or past now when there is none or it
 * has passed; the result must stay within `expiry.maxDays` of now.
 */
export function extendPatch(
  token: ManagedToken,
  policy: EnvironmentPolicy,
  days: unknown,
  now: Date,
): UpdateTokenInput {
  assertDays(days, 'days');
  const from = token.expireTime && token.expireTime.getTime() > now.getTime() ? token.expireTime : now;
  const expireTime = addDays(from, days);
  checkExpiryDate(token.environment, policy, expireTime, now);
  return { expireTime };
}
