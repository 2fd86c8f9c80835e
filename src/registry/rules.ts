import { InvalidInputError, PolicyViolationError } from '../core/errors.js';
import { DAY_MS } from '../core/time.js';
import type { ResetPeriod, TokenType, UpdateTokenInput } from '../ports/backend.js';
import { addDays, assertDays, assertMoney, assertResetPeriod, assertTokenType, usd } from './input.js';
import type { EnvironmentPolicy } from './policy.js';

/** Settings for one token after the policy's defaults are applied. */
export interface ResolvedSettings {
  tokenType: TokenType;
  /** USD; `undefined` = unlimited. */
  budget: number | undefined;
  resetPeriod: ResetPeriod;
  expiresInDays: number | undefined;
}

export interface SettingsInput {
  budget?: number | undefined;
  expiresInDays?: number | undefined;
  resetPeriod?: ResetPeriod | undefined;
  tokenType?: TokenType | undefined;
}

function violation(environment: string, rule: string, value: unknown, message: string): PolicyViolationError {
  return new PolicyViolationError(`${message} (rule ${rule})`, { environment, rule, value });
}

/**
 * Validates `input`, fills in the environment's defaults and enforces every rule: the one place
 * where create and plan decide what a token should look like.
 */
export function resolveSettings(
  environment: string,
  policy: EnvironmentPolicy,
  input: SettingsInput,
): ResolvedSettings {
  if (input.budget !== undefined) assertMoney(input.budget, 'budget');
  if (input.expiresInDays !== undefined) assertDays(input.expiresInDays, 'expiresInDays');
  if (input.resetPeriod !== undefined) assertResetPeriod(input.resetPeriod);
  if (input.tokenType !== undefined) assertTokenType(input.tokenType);

  const budget = input.budget ?? policy.budget?.default;
  const resetPeriod = input.resetPeriod ?? policy.budget?.resetPeriod ?? 'none';
  const expiresInDays = input.expiresInDays ?? policy.expiry?.defaultDays;
  if (resetPeriod !== 'none' && budget === undefined) {
    throw new InvalidInputError(
      `A ${resetPeriod} budget reset needs a budget: give one, or set budget.default for ${environment}`,
      { field: 'resetPeriod' },
    );
  }
  if (input.tokenType !== undefined && input.tokenType !== policy.tokenType) {
    throw violation(
      environment,
      'tokenType',
      input.tokenType,
      `Token type ${input.tokenType} is not allowed in ${environment}, which uses ${policy.tokenType}`,
    );
  }
  checkBudget(environment, policy, budget);
  checkExpiryDays(environment, policy, expiresInDays);
  return { tokenType: policy.tokenType, budget, resetPeriod, expiresInDays };
}

/** `amount` undefined = unlimited, which breaks `budget.required` and any `budget.max`. */
export function checkBudget(
  environment: string,
  policy: EnvironmentPolicy,
  amount: number | undefined,
  what = 'Budget',
): void {
  const rules = policy.budget;
  if (amount === undefined) {
    if (rules?.required) {
      throw violation(
        environment,
        'budget.required',
        null,
        `${environment} requires a budget, and none was given (nor a budget.default)`,
      );
    }
    if (rules?.max !== undefined) {
      throw violation(
        environment,
        'budget.max',
        null,
        `An unlimited budget exceeds ${environment}'s maximum of ${usd(rules.max)}`,
      );
    }
    return;
  }
  if (rules?.max !== undefined && amount > rules.max) {
    throw violation(
      environment,
      'budget.max',
      amount,
      `${what} ${usd(amount)} exceeds ${environment}'s maximum of ${usd(rules.max)}`,
    );
  }
}

/** `days` undefined = never expires, which breaks `expiry.required`. */
export function checkExpiryDays(
  environment: string,
  policy: EnvironmentPolicy,
  days: number | undefined,
): void {
  const rules = policy.expiry;
  if (days === undefined) {
    if (rules?.required) {
      throw violation(
        environment,
        'expiry.required',
        null,
        `${environment} requires an expiry, and none was given (nor an expiry.defaultDays)`,
      );
    }
    return;
  }
  if (rules?.maxDays !== undefined && days > rules.maxDays) {
    throw violation(
      environment,
      'expiry.maxDays',
      days,
      `Expiry of ${days} days exceeds ${environment}'s maximum of ${rules.maxDays} days`,
    );
  }
}

/** Checks an absolute expiry date against `expiry.maxDays` counted from `now`. */
export function checkExpiryDate(
  environment: string,
  policy: EnvironmentPolicy,
  expireTime: Date | null,
  now: Date,
): void {
  if (expireTime === null) {
    checkExpiryDays(environment, policy, undefined);
    return;
  }
  const maxDays = policy.expiry?.maxDays;
  if (maxDays !== undefined && expireTime.getTime() > addDays(now, maxDays).getTime()) {
    const days = Math.ceil((expireTime.getTime() - now.getTime()) / DAY_MS);
    throw violation(
      environment,
      'expiry.maxDays',
      days,
      `Expiry ${expireTime.toISOString()} is ${days} days away, beyond ${environment}'s maximum of ${maxDays} days`,
    );
  }
}

/** Checks a patch's resulting state (for plan actions, which may be hand-written). */
export function checkPatch(
  environment: string,
  policy: EnvironmentPolicy,
  patch: UpdateTokenInput,
  now: Date,
): void {
  if (patch.activeBalance === false) checkBudget(environment, policy, undefined);
  if (patch.balance !== undefined) checkBudget(environment, policy, patch.balance, 'Balance');
  if (patch.balanceResetAmount != null) checkBudget(environment, policy, patch.balanceResetAmount);
  if (patch.expireTime !== undefined) checkExpiryDate(environment, policy, patch.expireTime, now);
}
