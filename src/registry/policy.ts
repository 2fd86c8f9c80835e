// Environment policies: their schema (validated once, at construction), and the rules every write
// is held to (`PolicyViolationError`), in one place for create, setBudget, topUp, extend and plans.
import * as z from 'zod/mini';
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
import { safeParse } from '../core/zod.js';
import type { ResetPeriod, TokenType, UpdateTokenInput } from '../ports/backend.js';
import { addDays, usd } from './input.js';
import { plainObjectProblem, reservedNameProblem } from './naming.js';
import { desiredTags } from './tags.js';
import type { EnvironmentPolicy, EnvironmentPolicyInput } from './types.js';

const money = z.number().check(z.nonnegative(), z.lte(MAX_BALANCE));
const days = z.number().check(z.int(), z.positive(), z.lte(MAX_EXPIRY_DAYS));
const fraction = z.number().check(z.gte(0), z.lte(1));

// The public types (registry/types.ts) are the contract; the schema is checked against them, and no zod type
// reaches the public surface.
const environmentPolicySchema: z.ZodMiniType<EnvironmentPolicy, EnvironmentPolicyInput> = z.strictObject({
  /** Token type created in this environment. Default `api_token`. */
  tokenType: z._default(z.enum(TOKEN_TYPES), 'api_token'),
  budget: z.optional(
    z
      .strictObject({
        /** Budget (USD) given when `create` names none. */
        default: z.optional(money),
        /** Highest budget allowed on any write. */
        max: z.optional(money),
        /** Tokens must have a budget (`activeBalance: true`). */
        required: z._default(z.boolean(), false),
        /** Budget refills to its amount every period. */
        resetPeriod: z._default(z.enum(RESET_PERIODS), 'none'),
      })
      .check(
        z.refine((b) => b.default === undefined || b.max === undefined || b.default <= b.max, {
          message: 'budget.default must not exceed budget.max',
        }),
      ),
  ),
  expiry: z.optional(
    z
      .strictObject({
        /** Tokens must have an expiry date. */
        required: z._default(z.boolean(), false),
        defaultDays: z.optional(days),
        maxDays: z.optional(days),
      })
      .check(
        z.refine(
          (e) => e.defaultDays === undefined || e.maxDays === undefined || e.defaultDays <= e.maxDays,
          { message: 'expiry.defaultDays must not exceed expiry.maxDays' },
        ),
      ),
  ),
  /** Alert thresholds used by the AlertSystem (defaults there when unset). */
  alerts: z.optional(
    z.strictObject({
      /** Days before expiry at which to warn, e.g. [14, 7, 3, 1]. */
      expiryDays: z.optional(z.array(z.number().check(z.int(), z.nonnegative()))),
      /** Low balance below this fraction of the budget (0.2 = 20 %). */
      lowBalanceRatio: z.optional(fraction),
      /** Low balance below this absolute amount (USD). */
      lowBalanceAmount: z.optional(money),
      /** Fractions of the budget used at which to warn, e.g. [0.5, 0.75, 0.9, 1]. */
      budgetThresholds: z.optional(z.array(fraction)),
    }),
  ),
  /** Cost tag templates (`{environment}`, `{app}`); checked against Eden's rules below. */
  tags: z.optional(z.record(z.string(), z.string())),
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
    const r = safeParse(environmentPolicySchema, policy ?? {});
    if (!r.success)
      throw new ConfigurationError(`Invalid policy for environment "${name}":\n${z.prettifyError(r.error)}`);
    out[name] = withCheckedTags(name, r.data);
  }
  if (Object.keys(out).length === 0) throw new ConfigurationError('Declare at least one environment');
  return out;
}

/** Tag templates checked as they would be sent (a sample app), keys stored lowercase as Eden does. */
function withCheckedTags(environment: string, policy: EnvironmentPolicy): EnvironmentPolicy {
  if (policy.tags === undefined) return policy;
  try {
    desiredTags(policy, environment, 'app');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(`Invalid policy for environment "${environment}": ${why}`);
  }
  const tags = Object.fromEntries(Object.entries(policy.tags).map(([k, v]) => [k.toLowerCase(), v]));
  return { ...policy, tags };
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
