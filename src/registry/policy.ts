// Environment policies: their schema (validated once, at construction), and the rules every write
// is held to (`PolicyViolationError`), in one place for create, setBudget, topUp, extend and plans.
import * as z from 'zod';
import { ConfigurationError, InvalidInputError, PolicyViolationError } from '../core/errors.js';
import {
  assertDays,
  assertMoney,
  assertResetPeriod,
  assertTokenType,
  MAX_BALANCE,
  MAX_EXPIRY_DAYS,
  RESET_PERIODS,
  TOKEN_TYPES,
} from '../core/limits.js';
import { DAY_MS } from '../core/time.js';
import type { ResetPeriod, TokenType, UpdateTokenInput } from '../ports/backend.js';
import { addDays, usd } from './input.js';
import { plainObjectProblem, reservedNameProblem } from './naming.js';

const money = z.number().finite().nonnegative().max(MAX_BALANCE);
const days = z.number().int().positive().max(MAX_EXPIRY_DAYS);

/**
 * An environment's rules, as declared in `TokenRegistry`'s `environments`. Every field is
 * optional; unset means "no rule".
 *
 * @example
 * const prod: EnvironmentPolicyInput = {
 *   tokenType: 'api_token',
 *   budget: { default: 500, max: 2000, resetPeriod: 'monthly' },
 *   expiry: { required: true, defaultDays: 90, maxDays: 180 },
 *   alerts: { expiryDays: [14, 7, 3, 1], lowBalanceRatio: 0.2 },
 * };
 */
export interface EnvironmentPolicyInput {
  /** Token type created in this environment. Default `api_token`. */
  tokenType?: TokenType;
  budget?: {
    /** Budget (USD) given when `create` names none. */
    default?: number;
    /** Highest budget allowed on any write. */
    max?: number;
    /** Tokens must have a budget (`activeBalance: true`). Default false. */
    required?: boolean;
    /** Budget refills to its amount every period. Default `none`. */
    resetPeriod?: ResetPeriod;
  };
  expiry?: {
    /** Tokens must have an expiry date. Default false. */
    required?: boolean;
    defaultDays?: number;
    maxDays?: number;
  };
  /** Alert thresholds used by the AlertSystem (defaults there when unset). */
  alerts?: EnvironmentAlertThresholds;
}

/** An environment's alert thresholds. @example const alerts: EnvironmentAlertThresholds = { expiryDays: [7, 1] }; */
export interface EnvironmentAlertThresholds {
  /** Days before expiry at which to warn, e.g. [14, 7, 3, 1]. */
  expiryDays?: number[];
  /** Low balance below this fraction of the budget (0.2 = 20 %). */
  lowBalanceRatio?: number;
  /** Low balance below this absolute amount (USD). */
  lowBalanceAmount?: number;
  /** Fractions of the budget used at which to warn, e.g. [0.5, 0.75, 0.9, 1]. */
  budgetThresholds?: number[];
}

/**
 * An environment's rules once validated, with their defaults applied.
 *
 * @example
 * const max = registry.policyFor('prod').budget?.max; // 2000
 */
export interface EnvironmentPolicy {
  tokenType: TokenType;
  budget?: { default?: number; max?: number; required: boolean; resetPeriod: ResetPeriod };
  expiry?: { required: boolean; defaultDays?: number; maxDays?: number };
  alerts?: EnvironmentAlertThresholds;
}

// The public types above are the contract; the schema is checked against them, and no zod type
// reaches the public surface.
const environmentPolicySchema: z.ZodType<EnvironmentPolicy, EnvironmentPolicyInput> = z.strictObject({
  /** Token type created in this environment. Default `api_token`. */
  tokenType: z.enum(TOKEN_TYPES).default('api_token'),
  budget: z
    .strictObject({
      /** Budget (USD) given when `create` names none. */
      default: money.optional(),
      /** Highest budget allowed on any write. */
      max: money.optional(),
      /** Tokens must have a budget (`activeBalance: true`). */
      required: z.boolean().default(false),
      /** Budget refills to its amount every period. */
      resetPeriod: z.enum(RESET_PERIODS).default('none'),
    })
    .refine((b) => b.default === undefined || b.max === undefined || b.default <= b.max, {
      message: 'budget.default must not exceed budget.max',
    })
    .optional(),
  expiry: z
    .strictObject({
      /** Tokens must have an expiry date. */
      required: z.boolean().default(false),
      defaultDays: days.optional(),
      maxDays: days.optional(),
    })
    .refine((e) => e.defaultDays === undefined || e.maxDays === undefined || e.defaultDays <= e.maxDays, {
      message: 'expiry.defaultDays must not exceed expiry.maxDays',
    })
    .optional(),
  /** Alert thresholds used by the AlertSystem (defaults there when unset). */
  alerts: z
    .strictObject({
      /** Days before expiry at which to warn, e.g. [14, 7, 3, 1]. */
      expiryDays: z.array(z.number().int().nonnegative()).optional(),
      /** Low balance below this fraction of the budget (0.2 = 20 %). */
      lowBalanceRatio: z.number().min(0).max(1).optional(),
      /** Low balance below this absolute amount (USD). */
      lowBalanceAmount: money.optional(),
      /** Fractions of the budget used at which to warn, e.g. [0.5, 0.75, 0.9, 1]. */
      budgetThresholds: z.array(z.number().min(0).max(1)).optional(),
    })
    .optional(),
});

const ENV_NAME = /^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*$/;

/**
 * Validates the `environments` option once, with messages that name the environment and field
 * (`ConfigurationError`). `TokenRegistry` calls it; use it to check a config file early.
 *
 * @example
 * const environments = parseEnvironments({ dev: { tokenType: 'sandbox_api_token' }, prod: { budget: { max: 2000 } } });
 */
export function parseEnvironments(input: unknown): Record<string, EnvironmentPolicy> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigurationError('`environments` must be an object: { dev: {...}, prod: {...} }');
  }
  const notPlain = plainObjectProblem(input, '`environments`');
  if (notPlain) throw new ConfigurationError(notPlain);
  const out: Record<string, EnvironmentPolicy> = {};
  for (const [name, policy] of Object.entries(input)) {
    if (!ENV_NAME.test(name)) {
      throw new ConfigurationError(
        `Invalid environment name "${name}": use letters, digits and "_", separated by single dashes`,
      );
    }
    const reserved = reservedNameProblem('environment', name);
    if (reserved) throw new ConfigurationError(reserved);
    if (name === 'unmanaged')
      throw new ConfigurationError('"unmanaged" is reserved and cannot name an environment');
    const r = environmentPolicySchema.safeParse(policy ?? {});
    if (!r.success)
      throw new ConfigurationError(`Invalid policy for environment "${name}":\n${z.prettifyError(r.error)}`);
    out[name] = r.data;
  }
  if (Object.keys(out).length === 0) throw new ConfigurationError('Declare at least one environment');
  return out;
}

// ── rules ────────────────────────────────────────────────────────────────

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
