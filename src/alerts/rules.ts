// Alert rules: the thresholds of each environment, from defaults, policies and the `rules` option.
import * as z from 'zod/mini';
import { ConfigurationError } from '../core/errors.js';
import { MAX_EXPIRY_DAYS } from '../core/limits.js';
import { safeParse } from '../core/zod.js';
import type { AlertKind } from '../ports/notifier.js';
import type { EnvironmentPolicy } from '../registry/types.js';

/** Alert thresholds of one environment. */
export interface AlertRules {
  /** Days before expiry at which to warn, once each per generation. Default `[14, 7, 3, 1]`. */
  expiryDays: number[];
  /** An expiry alert is `critical` at or below this many days (and once expired). Default 3. */
  criticalDays: number;
  /** Low balance below this fraction of the budget. Default 0.2. */
  lowBalanceRatio: number;
  /** Also low below this absolute amount (USD), budget or not. Default none. */
  lowBalanceAmount: number | null;
  /** Fractions of the budget used at which to alert, once each per budget period. Default `[0.5, 0.75, 0.9, 1]`. */
  budgetThresholds: number[];
  /** Re-send an alert while its condition holds, every this many ms. Default none (send once). */
  repeatEveryMs: number | null;
  /** Kinds not evaluated at all. Default none. */
  disabled: AlertKind[];
}

/**
 * `rules` option: overrides for every environment, plus per-environment overrides.
 *
 * @example
 * const rules: AlertRulesInput = {
 *   lowBalanceRatio: 0.1,
 *   environments: { prod: { expiryDays: [30, 14, 7, 3, 1], repeatEveryMs: 6 * 3_600_000 } },
 * };
 */
export type AlertRulesInput = Partial<AlertRules> & {
  environments?: Record<string, Partial<AlertRules>>;
};

/**
 * Built-in defaults: the tutorial's thresholds. Environment policies (`alerts`) and the `rules`
 * option override them.
 *
 * @example
 * new AlertSystem({ registry, notifiers, rules: { expiryDays: [...DEFAULT_ALERT_RULES.expiryDays, 30] } });
 */
export const DEFAULT_ALERT_RULES: Readonly<AlertRules> = Object.freeze({
  expiryDays: [14, 7, 3, 1],
  criticalDays: 3,
  lowBalanceRatio: 0.2,
  lowBalanceAmount: null,
  budgetThresholds: [0.5, 0.75, 0.9, 1],
  repeatEveryMs: null,
  disabled: [],
});

/** Every alert kind, in report order: what rules may disable and what evaluation enables. */
export const ALERT_KINDS = [
  'expiring',
  'expired',
  'low-balance',
  'budget-threshold',
  'exhaustion-forecast',
  'policy-violation',
  'unmanaged-token',
  'rotation-failed',
  'low-credits',
  'budgets-exceed-credits',
  'usage-anomaly',
  'stale-token',
] as const satisfies readonly AlertKind[];

const expiryDays = z.number().check(z.int(), z.nonnegative(), z.lte(MAX_EXPIRY_DAYS));

const partialRules = z.strictObject({
  expiryDays: z.optional(z.array(expiryDays)),
  criticalDays: z.optional(expiryDays),
  lowBalanceRatio: z.optional(z.number().check(z.gte(0), z.lte(1))),
  lowBalanceAmount: z.optional(z.nullable(z.number().check(z.nonnegative()))),
  budgetThresholds: z.optional(z.array(z.number().check(z.gt(0), z.lte(1)))),
  repeatEveryMs: z.optional(z.nullable(z.number().check(z.int(), z.positive()))),
  disabled: z.optional(z.array(z.enum(ALERT_KINDS))),
});

const rulesInput = z.extend(partialRules, {
  environments: z.optional(z.record(z.string(), partialRules)),
});

/** Drops `undefined` so a spread never erases a default. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Sorted, de-duplicated thresholds, largest first (the loosest threshold is checked first). */
function normalise(r: AlertRules): AlertRules {
  const desc = (xs: number[]) => [...new Set(xs)].sort((a, b) => b - a);
  return {
    ...r,
    expiryDays: desc(r.expiryDays.filter((d) => d > 0)),
    budgetThresholds: desc(r.budgetThresholds),
    disabled: [...r.disabled],
  };
}

/**
 * Resolves the rules of every environment, most specific last: built-in defaults, then `rules`
 * (all environments), then the environment policy's `alerts`, then `rules.environments[env]`.
 * Throws `ConfigurationError` for malformed rules or an undeclared environment.
 */
export function resolveRules(
  policies: Readonly<Record<string, EnvironmentPolicy>>,
  input: AlertRulesInput | undefined,
): { forEnvironment(environment: string): AlertRules } {
  const parsed = safeParse(rulesInput, input ?? {});
  if (!parsed.success) {
    throw new ConfigurationError(`Invalid alert rules:\n${z.prettifyError(parsed.error)}`);
  }
  const { environments: perEnv = {}, ...global } = parsed.data;
  for (const env of Object.keys(perEnv)) {
    if (!Object.hasOwn(policies, env)) {
      throw new ConfigurationError(
        `Alert rules name environment "${env}", which the registry does not declare (declared: ${Object.keys(policies).join(', ')})`,
      );
    }
  }
  const base = normalise({ ...DEFAULT_ALERT_RULES, ...defined(global) } as AlertRules);
  const byEnv = new Map<string, AlertRules>();
  for (const [env, policy] of Object.entries(policies)) {
    const fromPolicy = defined(policy.alerts);
    byEnv.set(env, normalise({ ...base, ...fromPolicy, ...defined(perEnv[env]) } as AlertRules));
  }
  return { forEnvironment: (environment) => byEnv.get(environment) ?? base };
}
