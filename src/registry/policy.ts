import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';
import { MAX_BALANCE, MAX_EXPIRY_DAYS, RESET_PERIODS, TOKEN_TYPES } from '../core/limits.js';

const money = z.number().finite().nonnegative().max(MAX_BALANCE);
const days = z.number().int().positive().max(MAX_EXPIRY_DAYS);

/**
 * An environment's rules (zod schema). Every field is optional; unset means "no rule".
 *
 * @example
 * const prod = environmentPolicySchema.parse({
 *   tokenType: 'api_token',
 *   budget: { default: 500, max: 2000, resetPeriod: 'monthly' },
 *   expiry: { required: true, defaultDays: 90, maxDays: 180 },
 *   alerts: { expiryDays: [14, 7, 3, 1], lowBalanceRatio: 0.2 },
 * });
 */
export const environmentPolicySchema = z.strictObject({
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

export type EnvironmentPolicyInput = z.input<typeof environmentPolicySchema>;
export type EnvironmentPolicy = z.output<typeof environmentPolicySchema>;

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
  const out: Record<string, EnvironmentPolicy> = {};
  for (const [name, policy] of Object.entries(input)) {
    if (!ENV_NAME.test(name)) {
      throw new ConfigurationError(
        `Invalid environment name "${name}": use letters, digits and "_", separated by single dashes`,
      );
    }
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
