// Public types of AlertSystem: what it reads from a forecaster, and the health report it returns.
import type { RequestOptions } from '../core/types.js';
import type { Alert } from '../ports/notifier.js';
import type { BudgetSource } from '../registry/budget.js';
import type { ManagedToken } from '../registry/types.js';
import type { ActivityHealth } from './activity.js';

/** What AlertSystem reads from one forecast. */
export interface ExhaustionForecast {
  daysUntilExhausted: number | null;
  exhaustsBeforeExpiry: boolean;
  exhaustsBeforeReset: boolean;
}

/**
 * What AlertSystem needs from a usage forecaster; `UsageMonitor` satisfies it. With
 * `forecastAll`, one call covers every budgeted token; without it, `forecast` is called per token.
 *
 * @example
 * new AlertSystem({ registry, usage: new UsageMonitor({ registry, source: new CostClient() }), notifiers });
 */
export interface ForecastSource {
  forecast(name: string, options?: RequestOptions): Promise<ExhaustionForecast>;
  /** Forecasts for all of `tokens` at once (logical names in `name`). */
  forecastAll?(
    options: RequestOptions & { tokens: readonly ManagedToken[] },
  ): Promise<(ExhaustionForecast & { name: string })[]>;
}

export interface TokenHealth {
  name: string;
  /** Eden name of the current generation. */
  tokenName: string;
  /** Worst severity among the token's alerts (`info` alerts leave it `ok`). */
  status: 'ok' | 'warning' | 'critical';
  /** Remaining USD; `null` when spending is unlimited. */
  balance: number | null;
  /** The allocated budget the balance is measured against; `null` when unlimited or unknown. */
  budget: number | null;
  /** Where `budget` comes from (`observed`: the largest balance seen); `null` with no budget. */
  budgetSource: BudgetSource | null;
  /** Whole days left (rounded up); negative or 0 once expired; `null` without expiry. */
  daysToExpiry: number | null;
  alerts: Alert[];
}

/**
 * Where AlertSystem reads the account's credits; `CostClient` is one.
 *
 * @example
 * new AlertSystem({ registry, notifiers, credits: new CostClient() });
 */
export interface CreditsSource {
  /** The account's remaining credits, USD. */
  credits(options?: RequestOptions): Promise<number>;
}

/**
 * The account's credits against the budgets drawn on them, in `HealthReport.account` (present
 * when AlertSystem has a `credits` source and could read it).
 *
 * @example
 * const { account } = await alerts.run();
 * if (account && account.allocated > account.credits) console.warn('budgets exceed the credits left');
 */
export interface AccountHealth {
  /** USD left on the account. */
  credits: number;
  /** Sum of the allocated budgets of every live managed token with a budget. */
  allocated: number;
  /** Managed tokens without a budget: they may draw on the credits without limit. */
  unlimited: number;
  /** Alerts about the account (`low-credits`, `budgets-exceed-credits`). */
  alerts: Alert[];
}

export interface EnvironmentHealth {
  environment: string;
  tokens: TokenHealth[];
}

export interface NotifierFailure {
  /** Notifier name (or `state` when writing delivery marks failed). */
  notifier: string;
  error: Error;
}

/**
 * What `run()` returns; `formatHealthReport` renders it as text.
 *
 * @example
 * const report = await alerts.run();
 * const prod = report.environments.find((e) => e.environment === 'prod');
 * prod?.tokens.filter((t) => t.status !== 'ok').map((t) => t.name);
 */
export interface HealthReport {
  at: Date;
  environments: EnvironmentHealth[];
  /** The account's credits against the allocated budgets, when a `credits` source is configured. */
  account?: AccountHealth;
  /** Usage anomalies and stale tokens, when an `activity` source is configured. */
  activity?: ActivityHealth;
  /** Every alert whose condition holds now, new or already sent. */
  alerts: Alert[];
  /** Alerts delivered by at least one notifier during this run. */
  sent: Alert[];
  failures: NotifierFailure[];
}
