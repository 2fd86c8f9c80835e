import type { MeterProvider } from '@opentelemetry/api';
import { ConfigurationError, InvalidInputError } from '../core/errors.js';
import { type Clock, checkedLogger, type Logger, type RequestOptions, systemClock } from '../core/types.js';
import { AlertMetrics } from '../metrics/alerts.js';
import type { Alert, AlertKind, Notifier } from '../ports/notifier.js';
import type { StateStore } from '../ports/stores.js';
import type { RegistryView } from '../registry/types.js';
import type { RotationFailureSource } from '../rotation/types.js';
import { MemoryStateStore } from '../stores/memory.js';
import { assertTimeZone, DEFAULT_TIME_ZONE, periodKeys } from '../usage/forecast.js';
import { type ActivityOptions, checkActivity } from './activity.js';
import type { CheckContext } from './checks.js';
import { DeliveryLedger, deliver } from './delivery.js';
import { type EvaluateInput, type Evaluation, evaluate } from './evaluate.js';
import { BalancePeaks } from './peaks.js';
import { type AlertRules, type AlertRulesInput, resolveRules } from './rules.js';
import type { CreditsSource, ForecastSource, HealthReport, NotifierFailure } from './types.js';

/** Default `lowCreditsAmount`: warn while a few dollars are left, before Eden answers 402. */
const DEFAULT_LOW_CREDITS = 10;

/**
 * Options of `new AlertSystem(...)`.
 *
 * @example
 * ```ts
 * const options: AlertSystemOptions = { registry, notifiers: [new ConsoleNotifier()], state, timeZone: 'UTC' };
 * ```
 */
export interface AlertSystemOptions {
  registry: RegistryView;
  /** Enables exhaustion forecasts. */
  usage?: ForecastSource;
  /** Enables failed-rotation alerts. */
  rotations?: RotationFailureSource;
  /**
   * Enables the account alerts and `HealthReport.account`: the account's credits (a `CostClient`)
   * below `lowCreditsAmount`, and allocated budgets adding up to more than the credits left.
   */
  credits?: CreditsSource;
  /** `low-credits` below this many USD. Default 10. */
  lowCreditsAmount?: number;
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
  /** Time zone of budget resets (an IANA name). Default `Europe/Paris` (Eden's). */
  timeZone?: string;
  /** Receives each run's alert metrics (docs/metrics.md). Default: OpenTelemetry's global provider. */
  meterProvider?: MeterProvider;
  /**
   * Enables the `usage-anomaly` and `stale-token` alerts and `HealthReport.activity`: daily usage
   * from `source` (a `CostClient`), one query per `run()` or `check()`.
   */
  activity?: ActivityOptions;
}

/**
 * Options of `alerts.checkExpiringTokens(options)`.
 *
 * @example
 * ```ts
 * const options: CheckExpiringTokensOptions = { withinDays: 30, environment: 'prod' };
 * ```
 */
export interface CheckExpiringTokensOptions extends RequestOptions {
  /** Report every token expiring within this many days, thresholds or not. */
  withinDays?: number;
  /** Only this environment's tokens. */
  environment?: string;
}

/**
 * Options of `alerts.checkLowBalanceTokens(options)`.
 *
 * @example
 * ```ts
 * const options: CheckLowBalanceTokensOptions = { ratio: 0.3, amount: 10, environment: 'prod' };
 * ```
 */
export interface CheckLowBalanceTokensOptions extends RequestOptions {
  /** Low below this fraction of the budget (0.3 = 30 %), instead of the environments' ratio. */
  ratio?: number;
  /** Low below this USD amount, instead of the environments' amount. */
  amount?: number;
  /** Only this environment's tokens. */
  environment?: string;
}

/**
 * Watches the registry's tokens and tells people before something breaks: expiry (14 / 7 / 3 / 1
 * days, then expired), low balance, budget thresholds, exhaustion forecasts, policy violations,
 * unmanaged tokens, failed rotations and, with `credits`, the account's credits against the
 * allocated budgets. Balances are measured against each token's allocated budget, as the registry
 * reports it, so a fresh process or a rotated token keeps its baseline. `run()` sends each new alert once through every notifier
 * and returns a health report; the `check…` methods only evaluate.
 *
 * Dedupe lives in the state store (`alerts/…` keys), with a mark per (notifier, alert): a notifier
 * that fails gets the alert again next run, the others are not sent duplicates. A mark is cleared
 * when its condition resolves, so an alert that comes back is sent again. Use a persistent store
 * (`FileStateStore`…) when each run is a new process (cron); the default memory store only
 * dedupes within one process.
 *
 * @example
 * const alerts = new AlertSystem({
 *   registry,
 *   notifiers: [new ConsoleNotifier(), new SlackNotifier({ webhookUrl: process.env.SLACK_WEBHOOK! })],
 *   state: new FileStateStore({ path: '.edenai-state.json' }),
 * });
 * const report = await alerts.run(); // call it every minute: each alert is still sent once
 * console.log(formatHealthReport(report));
 */
export class AlertSystem {
  private readonly registry: RegistryView;
  private readonly usage: ForecastSource | undefined;
  private readonly rotations: RotationFailureSource | undefined;
  private readonly credits: CreditsSource | undefined;
  private readonly lowCreditsAmount: number;
  private readonly notifiers: readonly Notifier[];
  private readonly state: StateStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timeZone: string;
  private readonly rulesFor: (environment: string) => AlertRules;
  private readonly metrics: AlertMetrics;
  private readonly activity: ActivityOptions | undefined;
  /** Runs of one instance never overlap (a slow run and the next tick would double-send). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: AlertSystemOptions) {
    validateOptions(options);
    const {
      registry,
      usage,
      rotations,
      credits,
      lowCreditsAmount = DEFAULT_LOW_CREDITS,
      notifiers,
      state,
      clock,
      logger,
      timeZone = DEFAULT_TIME_ZONE,
    } = options;
    this.notifiers = [...notifiers];
    this.registry = registry;
    this.usage = usage;
    this.rotations = rotations;
    this.credits = credits;
    this.lowCreditsAmount = lowCreditsAmount;
    this.state = state ?? new MemoryStateStore();
    this.clock = clock ?? systemClock;
    this.logger = checkedLogger(logger, 'AlertSystem options');
    this.timeZone = timeZone;
    this.rulesFor = resolveRules(registry.environments, options.rules).forEnvironment;
    this.metrics = new AlertMetrics(options.meterProvider);
    this.activity = options.activity;
  }

  /**
   * The resolved rules of an environment (defaults, policy `alerts`, then your overrides).
   *
   * @example
   * alerts.rules('prod').expiryDays; // [14, 7, 3, 1]
   */
  rules(environment: string): AlertRules {
    return this.rulesFor(environment);
  }

  /**
   * Expiry alerts (expiring and expired), sending nothing. With `withinDays` (or a number, as in
   * the tutorial), every token expiring within that many days is reported.
   *
   * @example
   * const soon = await alerts.checkExpiringTokens(7);
   * console.log(`${soon.length} token(s) need rotation`);
   */
  async checkExpiringTokens(options?: number | CheckExpiringTokensOptions): Promise<Alert[]> {
    const o = typeof options === 'number' ? { withinDays: options } : (options ?? {});
    if (o.withinDays !== undefined && !(Number.isInteger(o.withinDays) && o.withinDays >= 0)) {
      throw new InvalidInputError(`withinDays must be a whole number of days ≥ 0, got ${o.withinDays}`, {
        field: 'withinDays',
      });
    }
    const ev = await this.evaluate({
      only: new Set<AlertKind>(['expiring', 'expired']),
      ...(o.withinDays === undefined ? {} : { withinDays: o.withinDays }),
      signal: o.signal,
    });
    return byEnvironment(ev.alerts, o.environment);
  }

  /**
   * Low-balance alerts, sending nothing. `ratio` (or a number, as in the tutorial: `0.3` = 30 % of
   * the budget) and `amount` (USD) replace the environments' thresholds for this call.
   *
   * @example
   * const low = await alerts.checkLowBalanceTokens(0.3); // a token at 25 % of its budget is listed
   */
  async checkLowBalanceTokens(options?: number | CheckLowBalanceTokensOptions): Promise<Alert[]> {
    const o = typeof options === 'number' ? { ratio: options } : (options ?? {});
    if (o.ratio !== undefined && !(o.ratio >= 0 && o.ratio <= 1)) {
      throw new InvalidInputError(
        `Low-balance ratio must be a fraction between 0 and 1 (0.3 = 30 %), got ${o.ratio}`,
        { field: 'ratio' },
      );
    }
    if (o.amount !== undefined && !(Number.isFinite(o.amount) && o.amount >= 0)) {
      throw new InvalidInputError(`Low-balance amount must be a USD amount ≥ 0, got ${o.amount}`, {
        field: 'amount',
      });
    }
    const lowBalance = {
      ...(o.ratio === undefined ? {} : { ratio: o.ratio }),
      ...(o.amount === undefined ? {} : { amount: o.amount }),
    };
    const ev = await this.evaluate({
      only: new Set<AlertKind>(['low-balance']),
      lowBalance,
      signal: o.signal,
    });
    return byEnvironment(ev.alerts, o.environment);
  }

  /**
   * Every alert whose condition holds now, sending nothing and changing no state.
   *
   * @example
   * const critical = (await alerts.check()).filter((a) => a.severity === 'critical');
   */
  async check(options: RequestOptions = {}): Promise<Alert[]> {
    const now = this.clock();
    const [ev, activity] = await Promise.all([
      this.evaluate({ signal: options.signal }, now),
      this.checkActivity(now, options.signal, true),
    ]);
    return [...ev.alerts, ...(activity?.alerts ?? [])];
  }

  /**
   * Evaluates every rule, sends each new alert once through every notifier (concurrently), and
   * returns the health report. Never throws because a notifier failed: see `report.failures`.
   * Rejects only when the registry or the state store cannot be read. Calls on one instance run
   * one after the other.
   *
   * @example
   * const report = await alerts.run();
   * for (const f of report.failures) console.warn(`${f.notifier}: ${f.error.message}`);
   */
  run(options: RequestOptions = {}): Promise<HealthReport> {
    const next = this.queue.then(() => this.runOnce(options));
    this.queue = next.catch(() => {});
    return next;
  }

  private async runOnce(options: RequestOptions): Promise<HealthReport> {
    const now = this.clock();
    const nowMs = now.getTime();
    const peaks = new BalancePeaks(this.state);
    const [ev, ledger, activity] = await Promise.all([
      this.evaluate({ signal: options.signal }, now, peaks),
      DeliveryLedger.load(this.state),
      this.checkActivity(now, options.signal),
    ]);
    if (activity) addActivity(ev, activity.alerts);
    const repeatEveryMs = (a: Alert) => this.rulesFor(a.environment).repeatEveryMs;
    const batches = this.notifiers
      .map((notifier) => ({
        notifier,
        alerts: ledger.pending(notifier.name, ev.alerts, repeatEveryMs, nowMs),
      }))
      .filter((b) => b.alerts.length > 0);
    const outcome = await deliver(batches, this.logger);
    const failures: NotifierFailure[] = outcome.failures;
    const sentIds = new Set<string>();
    for (const b of outcome.accepted) {
      ledger.markDelivered(b.notifier.name, b.alerts, now);
      for (const a of b.alerts) sentIds.add(a.id);
    }
    ledger.clearResolved(new Set(ev.alerts.map((a) => a.id)), ev.keep);
    const saved = await Promise.allSettled([ledger.save(), peaks.save()]);
    for (const r of saved) {
      if (r.status === 'fulfilled') continue;
      // Delivered but not recorded: the next run may repeat these alerts. Say so; don't throw.
      const e = r.reason instanceof Error ? r.reason : new Error(String(r.reason));
      failures.push({ notifier: 'state', error: e });
      this.logger.error('alerts: writing delivery marks failed; alerts may be repeated', {
        error: e.message,
      });
    }
    const sent = ev.alerts.filter((a) => sentIds.has(a.id));
    this.metrics.record(ev.alerts, sent);
    this.logger.debug('alerts: run finished', {
      alerts: ev.alerts.length,
      sent: sent.length,
      failures: failures.length,
    });
    return {
      at: now,
      environments: ev.environments,
      ...(ev.account && { account: ev.account }),
      ...(activity && { activity: activity.health }),
      alerts: ev.alerts,
      sent,
      failures,
    };
  }

  /** The usage checks, when `activity` is configured and neither kind is disabled everywhere. */
  private async checkActivity(now: Date, signal: AbortSignal | undefined, readOnly = false) {
    if (!this.activity) return undefined;
    const result = await checkActivity({
      registry: this.registry,
      options: this.activity,
      state: this.state,
      now,
      timeZone: this.timeZone,
      logger: this.logger,
      signal,
      readOnly,
    });
    result.alerts = result.alerts.filter((a) => !this.rulesFor(a.environment).disabled.includes(a.kind));
    return result;
  }

  private evaluate(
    extra: Pick<EvaluateInput, 'only' | 'withinDays' | 'lowBalance' | 'signal'>,
    now = this.clock(),
    peaks = new BalancePeaks(this.state),
  ): Promise<Evaluation> {
    const ctx: CheckContext = { now, nowMs: now.getTime(), periods: periodKeys(now, this.timeZone) };
    return evaluate({
      registry: this.registry,
      rules: this.rulesFor,
      ctx,
      peaks,
      logger: this.logger,
      usage: this.usage,
      rotations: this.rotations,
      credits: this.credits,
      lowCreditsAmount: this.lowCreditsAmount,
      ...extra,
    });
  }
}

/** Adds the usage alerts to an evaluation: to its list, and to their tokens' health (and status). */
function addActivity(ev: Evaluation, alerts: readonly Alert[]): void {
  const worse = { ok: 0, warning: 1, critical: 2 } as const;
  for (const a of alerts) {
    ev.alerts.push(a);
    const t = ev.environments
      .find((e) => e.environment === a.environment)
      ?.tokens.find((x) => x.name === a.token);
    if (!t) continue;
    t.alerts.push(a);
    if (a.severity !== 'info' && worse[a.severity] > worse[t.status]) t.status = a.severity;
  }
}

function byEnvironment(alerts: Alert[], environment: string | undefined): Alert[] {
  return environment === undefined ? alerts : alerts.filter((a) => a.environment === environment);
}

/** Checks AlertSystem's options up front: a typed error naming the bad option, nothing started. */
function validateOptions(options: AlertSystemOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('AlertSystem needs an options object: { registry, notifiers }');
  }
  const { registry, usage, rotations, credits, lowCreditsAmount, clock, state } = options;
  if (
    !registry ||
    typeof registry.byEnvironment !== 'function' ||
    typeof registry.environments !== 'object'
  ) {
    throw new ConfigurationError('AlertSystem `registry` must be a TokenRegistry (or any RegistryView)');
  }
  if (usage !== undefined && typeof usage?.forecast !== 'function') {
    throw new ConfigurationError('AlertSystem `usage` must have a forecast(name) method (a UsageMonitor)');
  }
  if (rotations !== undefined && typeof rotations?.failures !== 'function') {
    throw new ConfigurationError('AlertSystem `rotations` must have a failures() method (a RotationManager)');
  }
  if (credits !== undefined && typeof credits?.credits !== 'function') {
    throw new ConfigurationError('AlertSystem `credits` must have a credits() method (a CostClient)');
  }
  if (lowCreditsAmount !== undefined && !(Number.isFinite(lowCreditsAmount) && lowCreditsAmount >= 0)) {
    throw new ConfigurationError(
      `AlertSystem \`lowCreditsAmount\` must be a USD amount ≥ 0, got ${lowCreditsAmount}`,
    );
  }
  if (state !== undefined && (typeof state?.get !== 'function' || typeof state.list !== 'function')) {
    throw new ConfigurationError(
      'AlertSystem `state` must be a StateStore (MemoryStateStore, FileStateStore…)',
    );
  }
  if (clock !== undefined && typeof clock !== 'function') {
    throw new ConfigurationError('AlertSystem `clock` must be a function returning a Date');
  }
  if (options.activity !== undefined && typeof options.activity?.source?.usage !== 'function') {
    throw new ConfigurationError(
      'AlertSystem `activity.source` must have a usage(query) method (a CostClient)',
    );
  }
  assertTimeZone(options.timeZone ?? DEFAULT_TIME_ZONE);
  validateNotifiers(options.notifiers);
}

/** Notifier names key the delivery marks: each must be a non-empty string, unique. */
function validateNotifiers(notifiers: unknown): asserts notifiers is Notifier[] {
  if (!Array.isArray(notifiers)) {
    throw new ConfigurationError('AlertSystem `notifiers` must be an array, e.g. [new ConsoleNotifier()]');
  }
  const names = new Set<string>();
  for (const [i, n] of notifiers.entries()) {
    if (typeof n?.notify !== 'function' || typeof n?.name !== 'string' || n.name.length === 0) {
      throw new ConfigurationError(`notifiers[${i}] must be { name: string, notify(alerts) }`);
    }
    if (names.has(n.name)) {
      throw new ConfigurationError(
        `Two notifiers are named "${n.name}": give each a distinct \`name\` (it keys the delivery marks)`,
      );
    }
    names.add(n.name);
  }
}
