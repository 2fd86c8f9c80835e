import type { Clock, Logger } from '../core/types.js';
import type { Alert, AlertKind, Notifier, Severity } from '../ports/notifier.js';
import type { StateStore } from '../ports/stores.js';
import type { ManagedToken, RegistryView } from '../registry/types.js';
import type { RotationFailureSource } from '../rotation/types.js';

export type { Alert, AlertKind, Severity };

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
  forecast(name: string): Promise<ExhaustionForecast>;
  /** Forecasts for all of `tokens` at once (logical names in `name`). */
  forecastAll?(options: {
    tokens: readonly ManagedToken[];
  }): Promise<(ExhaustionForecast & { name: string })[]>;
}

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
  repeatEvery: number | null;
  /** Kinds not evaluated at all. Default none. */
  disabled: AlertKind[];
}

/**
 * `rules` option: overrides for every environment, plus per-environment overrides.
 *
 * @example
 * const rules: AlertRulesInput = {
 *   lowBalanceRatio: 0.1,
 *   environments: { prod: { expiryDays: [30, 14, 7, 3, 1], repeatEvery: 6 * 3_600_000 } },
 * };
 */
export type AlertRulesInput = Partial<AlertRules> & {
  environments?: Record<string, Partial<AlertRules>>;
};

export interface AlertSystemOptions {
  registry: RegistryView;
  /** Enables exhaustion forecasts. */
  usage?: ForecastSource;
  /** Enables failed-rotation alerts. */
  rotations?: RotationFailureSource;
  notifiers: Notifier[];
  rules?: AlertRulesInput;
  /**
   * Dedupe marks (`alerts/sent/<notifier>`) and largest balances seen (`alerts/peaks/<env>`).
   * Default: a `MemoryStateStore`, which dedupes within one process only: give cron jobs a
   * persistent store. Instances sharing a store must watch the same registry (a mark whose alert
   * an instance does not see is cleared as resolved).
   */
  state?: StateStore;
  clock?: Clock;
  logger?: Logger;
  /** Time zone of budget resets. Default `Europe/Paris` (Eden's). */
  timeZone?: string;
}

export interface TokenHealth {
  name: string;
  /** Eden name of the current generation. */
  tokenName: string;
  /** Worst severity among the token's alerts (`info` alerts leave it `ok`). */
  status: 'ok' | 'warning' | 'critical';
  /** Remaining USD; `null` when spending is unlimited. */
  balance: number | null;
  /** The budget the balance is measured against, when known. */
  budget: number | null;
  /** Whole days left (rounded up); negative or 0 once expired; `null` without expiry. */
  daysToExpiry: number | null;
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
  /** Every alert whose condition holds now, new or already sent. */
  alerts: Alert[];
  /** Alerts delivered by at least one notifier during this run. */
  sent: Alert[];
  failures: NotifierFailure[];
}
