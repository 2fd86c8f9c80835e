import type { Clock, Logger, Progress, RequestOptions } from '../core/types.js';
import type { AuditSink } from '../ports/audit.js';
import type { EdenToken, ResetPeriod, TokenBackend, TokenType } from '../ports/backend.js';
import type { SecretStore } from '../ports/stores.js';

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
  /**
   * Cost tags every token of the environment carries, `{environment}` and `{app}` replaced, e.g.
   * `{ env: '{environment}', app: '{app}', owner: 'payments' }`. On v3 they become the key's
   * `default_tags` (Eden attributes every call to them); v2 has no tags: there they have no effect.
   */
  tags?: Record<string, string>;
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
  /** Tag templates (`{environment}`, `{app}` placeholders), keys lowercase. */
  tags?: Record<string, string>;
}

/**
 * Where a managed token's `budget` comes from, most reliable first:
 * - `recorded`: the amount the SDK allocated (create, setBudget, topUp, apply), kept in the
 *   SecretStore entry's metadata and carried across rotations;
 * - `reset-amount`: Eden's own reset amount, for a budget that refills every period;
 * - `policy`: the environment's `budget.default` (a token the SDK did not budget, whose balance
 *   does not exceed that default);
 * - `observed`: the largest balance seen: the registry sees the current balance; AlertSystem keeps
 *   the largest across runs in its state store.
 *
 * @example
 * const t = await registry.get('prod-web-app');
 * if (t.budgetSource === 'observed') console.warn(`${t.name}: budget unknown, run setBudget`);
 */
export type BudgetSource = 'recorded' | 'reset-amount' | 'policy' | 'observed';

/** What a managed token says about its budget: both `null` when spending is unlimited. */
export interface ResolvedBudget {
  budget: number | null;
  budgetSource: BudgetSource | null;
}

/**
 * Options of `new TokenRegistry(...)`.
 *
 * @example
 * const options: TokenRegistryOptions = {
 *   backend: new CustomTokenClient(),
 *   secrets: new MemorySecretStore(),
 *   environments: { dev: { tokenType: 'sandbox_api_token' }, prod: { budget: { max: 2000 } } },
 * };
 */
export interface TokenRegistryOptions {
  /** Where tokens live: a `CustomTokenClient`, or any `TokenBackend`. */
  backend: TokenBackend;
  /** Where token values live. */
  secrets: SecretStore;
  /** Environment name → policy. Names become token-name prefixes: `{environment}-{app}`. */
  environments: Record<string, EnvironmentPolicyInput>;
  clock?: Clock;
  /** SecretStore key prefix. Default `edenai/`. */
  secretPrefix?: string;
  /** Receives one line per write (names only, never values). Default: silent. */
  logger?: Logger;
  /**
   * Receives one audit event per write: create, budget and expiry changes, apply's actions, revoke
   * (never a value). Write methods take `reason` and `actor` in their options.
   */
  audit?: AuditSink;
  /** Who acts, in audit events, unless a call says (`options.actor`). Default `unknown`. */
  actor?: string;
}

/**
 * Options of `list(options)`: which tokens, and the request options of the one list call.
 *
 * @example
 * const prod = await registry.list({ environment: 'prod', signal: AbortSignal.timeout(10_000) });
 */
export interface ListTokensOptions extends RequestOptions {
  /** Only this declared environment's tokens. */
  environment?: string;
}

/**
 * Options of `plan(desired, options)`.
 *
 * @example
 * const plan = await registry.plan(desired, { prune: true });
 */
export interface PlanOptions extends RequestOptions {
  /** Also delete managed tokens of the environments `desired` names but no longer lists. */
  prune?: boolean;
  /** Also reset every stated budget's balance to the budget (the tutorial's budget refresh). */
  refill?: boolean;
}

/**
 * Options of `apply(plan, options)`; the request options apply to every call the actions make.
 *
 * @example
 * await registry.apply(plan, { concurrency: 2, onProgress: (p) => console.log(`${p.done}/${p.total}`) });
 */
export interface ApplyOptions extends RequestOptions {
  /** Actions in flight at once. Default 4. */
  concurrency?: number;
  /** Called after each action, whether it succeeded or not. */
  onProgress?: (progress: Progress) => void;
}

/** A token name parsed against the declared environments. @example registry.parseName('prod-web-app--g2')?.generation; // 2 */
export interface ParsedName {
  /** The logical name without generation: `prod-web-app`. */
  logicalName: string;
  environment: string;
  app: string;
  /** 1 for the bare name. */
  generation: number;
}

/**
 * A token the registry manages: the logical token `{environment}-{app}` and its current generation.
 * Carries `secretRef` (the SecretStore key holding the current value), never the value itself.
 * `budget` is what its owner allocated, `balance` what is left; both are `null` when spending is
 * unlimited (`activeBalance: false`).
 */
export interface ManagedToken {
  /** Logical name, stable across rotations: `prod-web-app`. */
  name: string;
  /** Eden's name of the current generation: `prod-web-app` or `prod-web-app--g3`. */
  tokenName: string;
  generation: number;
  environment: string;
  app: string;
  tokenType: TokenType;
  /**
   * USD allocated to the logical token (kept across rotations; see `budgetSource` for where it was
   * read). `null` when spending is unlimited.
   */
  budget: number | null;
  /** Where `budget` comes from; `null` when spending is unlimited. */
  budgetSource: BudgetSource | null;
  /** USD left on the current generation; `null` when spending is unlimited (or Eden reports none). */
  balance: number | null;
  activeBalance: boolean;
  expireTime: Date | null;
  balanceResetPeriod: ResetPeriod;
  balanceResetAmount: number | null;
  /** SecretStore key whose entry holds the current generation's value. */
  secretRef: string;
  /** Eden names of every live generation (two while a rotation is in its grace period). */
  generations: string[];
  /** The current generation's cost tags (v3 `default_tags`), when the backend knows them. */
  tags?: Record<string, string>;
}

/** What `byEnvironment()` returns: one key per declared environment, plus `unmanaged`. */
export type TokensByEnvironment = Record<string, ManagedToken[]> & { unmanaged: EdenToken[] };

export interface CreateManagedTokenInput {
  environment: string;
  app: string;
  /** USD. Default: the environment's `budget.default`; none → unlimited (`activeBalance: false`). */
  budget?: number;
  /** Default: the environment's `expiry.defaultDays`. */
  expiresInDays?: number;
  /** Default: the environment's `budget.resetPeriod`. */
  resetPeriod?: ResetPeriod;
  /** Cost tags for this token, over the environment's `tags` (v3 only; no effect on v2). */
  tags?: Record<string, string>;
}

/** Desired state for `plan()`: environment → app → settings (mirrors the tutorial's setup config). */
export type DesiredState = Record<
  string,
  Record<
    string,
    { budget?: number; expiresInDays?: number; resetPeriod?: ResetPeriod; tokenType?: TokenType }
  >
>;

export type PlanAction =
  | {
      type: 'create';
      name: string;
      environment: string;
      app: string;
      budget?: number;
      expiresInDays?: number;
      resetPeriod?: ResetPeriod;
    }
  | {
      type: 'update';
      name: string;
      environment: string;
      app: string;
      /** Token fields to set (`balance`, `expireTime`…); empty when only the budget is recorded. */
      changes: { field: string; from: unknown; to: unknown }[];
      /**
       * The allocated budget, when it changes: `from` as the token reports it now (`null`:
       * unlimited), `to` the desired one, recorded when the plan is applied. A raised budget
       * raises the balance by the difference and a lowered one lowers it (never below 0): see the
       * `balance` change.
       */
      budget?: { from: number | null; to: number };
    }
  | { type: 'delete'; name: string; environment: string; app: string };

export interface Plan {
  actions: PlanAction[];
}

export interface ApplyResult {
  results: { action: PlanAction; ok: boolean; error?: Error; token?: ManagedToken }[];
  succeeded: number;
  failed: number;
}

/**
 * Metadata the registry and the RotationManager keep on a token's SecretStore entry, so the
 * entry always names the Eden token its value belongs to. It also keeps `budget`: the USD its owner
 * allocated (absent or `null`: none recorded), read by every process that shares the store.
 */
export interface SecretEntryMetadata {
  [key: string]: string | number | boolean | null;
  tokenName: string;
  generation: number;
}

/** The read-only side of `TokenRegistry` that UsageMonitor and AlertSystem depend on. */
export interface RegistryView {
  readonly environments: Readonly<Record<string, EnvironmentPolicy>>;
  /** Parses an Eden token name (any generation) into environment / app / logical name. */
  parseName(tokenName: string): ParsedName | undefined;
  list(options?: ListTokensOptions): Promise<ManagedToken[]>;
  byEnvironment(options?: RequestOptions): Promise<TokensByEnvironment>;
  /** Accepts a logical name or any generation's name. Throws `NotFoundError`. */
  get(name: string, options?: RequestOptions): Promise<ManagedToken>;
}
