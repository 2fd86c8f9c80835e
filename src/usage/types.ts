// Public result types of UsageMonitor. Money is USD (`number`, summed exactly in nanos and
// converted once); days are `YYYY-MM-DD`; instants are `Date`.

import type { DayRange } from '../core/time.js';
import type { ResetPeriod } from '../ports/backend.js';

export type { DateRangeInput, DayRange } from '../core/time.js';

/** Spend and calls on one calendar day. */
export interface DailyUsage {
  date: string;
  cost: number;
  calls: number;
}

/** Spend and calls of one feature (`text__chat`…). */
export interface FeatureUsage {
  feature: string;
  cost: number;
  calls: number;
}

/** Spend at one provider (`openai`…). */
export interface ProviderUsage {
  provider: string;
  cost: number;
}

/**
 * `tokenUsage()`: one logical token, every generation included.
 *
 * @example
 * ```ts
 * const u: TokenUsage = await monitor.tokenUsage('prod-web-app', { from: '2024-01-01', to: '2024-01-31' });
 * u.byDay.forEach((d) => console.log(d.date, d.cost));
 * ```
 */
export interface TokenUsage {
  /** The logical name (`prod-web-app`), even when asked with a generation's name. */
  name: string;
  range: DayRange;
  /** Eden names whose records were counted, sorted (`prod-web-app`, `prod-web-app--g2`). */
  tokenNames: string[];
  totalCost: number;
  totalCalls: number;
  avgCostPerCall: number;
  /** Days with records, in date order. */
  byDay: DailyUsage[];
  /** Most expensive first (ties by name). */
  byFeature: FeatureUsage[];
  /** Most expensive first (ties by name). */
  byProvider: ProviderUsage[];
}

/** One environment's line of a report. */
export interface EnvironmentUsage {
  environment: string;
  /** Logical tokens the registry manages in this environment now. */
  tokens: number;
  totalCost: number;
  totalCalls: number;
  avgCostPerCall: number;
  /** Days with records, in date order (feeds the HTML chart). */
  byDay: DailyUsage[];
}

/** One logical token's line of a report (unmanaged names get one line each). */
export interface TokenUsageRow {
  /** Logical name for managed environments; the Eden name as is for unmanaged ones. */
  name: string;
  /** `null` for names that match no declared environment. */
  environment: string | null;
  app: string | null;
  /** True when the registry manages this token now (false for deleted or foreign tokens). */
  managed: boolean;
  /** The allocated budget (`ManagedToken.budget`); `null` when unlimited or not managed now. */
  budget: number | null;
  /** USD left on the current generation; `null` when unlimited or not managed now. */
  balance: number | null;
  /**
   * The cost tags of the token's key now (v3 `default_tags`), when known and not empty: this row's cost is
   * attributed to them. Eden has no API grouping usage by tag; these are the key's defaults, not
   * per-call tags (a call may add or override tags, seen only in Eden's dashboard and CSV).
   */
  keyDefaultTags?: Record<string, string>;
  totalCost: number;
  totalCalls: number;
  avgCostPerCall: number;
}

/** Usage under names that match no declared environment (`base_token`, hand-made keys). */
export interface UnmanagedUsage {
  /** Distinct Eden names. */
  tokens: number;
  totalCost: number;
  totalCalls: number;
  avgCostPerCall: number;
  byDay: DailyUsage[];
}

/**
 * `report()`: spend per environment and per token over a range.
 *
 * @example
 * ```ts
 * const r: UsageReport = await monitor.report({ from: '2024-01-01', to: '2024-01-31' });
 * const prod = r.environments.find((e) => e.environment === 'prod');
 * ```
 */
export interface UsageReport {
  range: DayRange;
  /** When the report was made (ISO 8601, from the monitor's clock). */
  generatedAt: string;
  /** Every declared environment, in declaration order, even those that spent nothing. */
  environments: EnvironmentUsage[];
  /** Per-token lines: environments in declaration order, names sorted, unmanaged last. */
  tokenRows: TokenUsageRow[];
  /** Sum over the declared environments (unmanaged usage is reported apart). */
  totalCost: number;
  totalCalls: number;
  avgCostPerCall: number;
  /** Spend per feature over the declared environments, most expensive first. */
  byFeature: FeatureUsage[];
  /** Spend per provider over the declared environments, most expensive first. */
  byProvider: ProviderUsage[];
  /** Present when some usage matched no declared environment. */
  unmanaged?: UnmanagedUsage;
}

/**
 * `forecast()`: how long the balance lasts at the recent burn rate.
 *
 * @example
 * ```ts
 * const f: UsageForecast = await monitor.forecast('prod-web-app');
 * if (f.exhaustsBeforeExpiry || f.exhaustsBeforeReset) console.warn(`${f.name}: ${f.daysUntilExhausted} days left`);
 * ```
 */
export interface UsageForecast {
  /** Logical name. */
  name: string;
  /** Eden name of the current generation, whose balance this is. */
  tokenName: string;
  /** When the forecast was made (the monitor's clock). */
  asOf: Date;
  /** The complete days the burn rate was measured over (the last `windowDays` before today). */
  window: DayRange;
  windowDays: number;
  /** Spend over the window, all generations. */
  windowCost: number;
  /** USD per day: `windowCost / windowDays`. */
  burnRatePerDay: number;
  /** USD left; `null` when the budget is not enforced (unlimited) or unknown. */
  balance: number | null;
  /** The allocated budget (`ManagedToken.budget`); `null` when unlimited. */
  budget: number | null;
  /**
   * Share of the budget already spent, `1 - balance / budget`: 0 when the balance is the whole
   * budget, below 0 when a top-up lifted it above; `null` without a budget.
   */
  budgetUsed: number | null;
  /** `balance / burnRatePerDay`; 0 when already empty; `null` when unlimited or nothing is spent. */
  daysUntilExhausted: number | null;
  exhaustsAt: Date | null;
  expireTime: Date | null;
  /**
   * True when the balance runs out before the token expires and no reset refills it first
   * (without expiry: whenever it runs out and no reset comes first). Exclusive with
   * `exhaustsBeforeReset`: either one true means the token runs dry while still needed.
   */
  exhaustsBeforeExpiry: boolean;
  resetPeriod: ResetPeriod;
  /** Next budget refill (midnight Europe/Paris); `null` without a reset period. */
  nextResetAt: Date | null;
  /**
   * True when the next reset comes before expiry and the balance runs out before that reset.
   * Always false without a reset period (see `exhaustsBeforeExpiry`).
   */
  exhaustsBeforeReset: boolean;
}

/** Allowed gap between the balance drop and the reported cost: the larger of the two wins. */
export interface ReconcileTolerance {
  /** USD. Default 0.01. */
  absolute?: number;
  /** Fraction of the larger of drop and reported cost. Default 0.01 (1 %). */
  relative?: number;
}

export interface ReconcileInput {
  /** First day of the period between the two balance readings (inclusive). */
  from: Date | string;
  /** Last day (inclusive). */
  to: Date | string;
  /** USD balance read before the period. */
  balanceBefore: number;
  /** USD balance read after it. */
  balanceAfter: number;
  tolerance?: ReconcileTolerance;
  /** USD added to the balance between the readings (top-ups, resets), if any. Default 0. */
  credited?: number;
}

/**
 * `reconcile()`: does the balance drop match the cost Eden reports?
 *
 * @example
 * ```ts
 * const r: Reconciliation = await monitor.reconcile('prod-web-app', { from, to, balanceBefore, balanceAfter });
 * if (!r.ok) logger.warn(r.message);
 * ```
 */
export interface Reconciliation {
  name: string;
  /** The one Eden name (generation) whose balance and cost were compared. */
  tokenName: string;
  range: DayRange;
  /** `balanceBefore + credited - balanceAfter`. */
  balanceDrop: number;
  reportedCost: number;
  /** `balanceDrop - reportedCost`: positive when money left the balance that no report explains. */
  difference: number;
  /** The gap allowed by the tolerance. */
  allowed: number;
  ok: boolean;
  /** One sentence for logs and alerts. */
  message: string;
}
