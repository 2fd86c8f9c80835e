import pLimit, { type LimitFunction } from 'p-limit';
import { ConfigurationError, InvalidInputError } from '../core/errors.js';
import { fromNanos } from '../core/money.js';
import { type DateRangeInput, type DayRange, formatDay, parseRange } from '../core/time.js';
import { type Clock, type RequestOptions, systemClock } from '../core/types.js';
import type { UsageSource } from '../ports/usage.js';
import { GENERATION_SEPARATOR } from '../registry/naming.js';
import type { ManagedToken, RegistryView } from '../registry/types.js';
import { aggregateReport, aggregateToken, costByLogicalName } from './aggregate.js';
import { assertTimeZone, computeForecast, DEFAULT_TIME_ZONE, forecastWindow } from './forecast.js';
import { checkReconcileNumbers, compareBalance } from './reconcile.js';
import type { ReconcileInput, Reconciliation, TokenUsage, UsageForecast, UsageReport } from './types.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RANGE_DAYS,
  fetchWindowed,
  isNotFound,
  type UsageFilter,
} from './windows.js';

/**
 * Options of `new UsageMonitor(...)`.
 *
 * @example
 * ```ts
 * const options: UsageMonitorOptions = { registry, source: new CostClient(), maxRangeDays: 366, concurrency: 4 };
 * ```
 */
export interface UsageMonitorOptions {
  registry: RegistryView;
  /** Where usage comes from: a `CostClient`, a `MemoryUsageSource`, your own. */
  source: UsageSource;
  clock?: Clock;
  /** Longest range one request may ask for, in days. Default 366 (Eden's limit). */
  maxRangeDays?: number;
  /** Cost requests in flight at once, across all calls on this monitor. Default 4. */
  concurrency?: number;
  /**
   * How `tokenUsage()` asks for one token's history.
   * - `'all'` (default): one unfiltered query per window, attributed locally. Fewest requests, and
   *   it finds every generation's history, even of generations deleted long ago.
   * - `'byName'`: one query per generation name (`name`, `name--g2` … up to the current one)
   *   per window: more requests, smaller answers, for organizations with very many tokens.
   */
  tokenQuery?: 'all' | 'byName';
  /** Time zone of budget resets (an IANA name). Default `Europe/Paris` (Eden's). */
  timeZone?: string;
}

/**
 * Options of `monitor.forecast(name, options)`.
 *
 * @example
 * ```ts
 * const options: ForecastOptions = { windowDays: 14, signal: AbortSignal.timeout(10_000) };
 * ```
 */
export interface ForecastOptions extends RequestOptions {
  /** Complete days the burn rate is measured over (today left out). Default 7. */
  windowDays?: number;
}

/**
 * Options of `monitor.forecastAll(options)`.
 *
 * @example
 * ```ts
 * const options: ForecastAllOptions = { windowDays: 14, tokens: await registry.list({ environment: 'prod' }) };
 * ```
 */
export interface ForecastAllOptions extends ForecastOptions {
  /** Managed tokens, as `registry.list()` returns them. Default: every managed token, listed now. */
  tokens?: readonly ManagedToken[];
}

/**
 * Spend per token and per environment, burn-rate forecasts, reconciliation of balances against
 * reported cost. Reports never hold a token value: only names and numbers.
 *
 * @example
 * ```ts
 * const monitor = new UsageMonitor({ registry, source: new CostClient() });
 * const report = await monitor.report({ from: '2024-01-01', to: '2024-01-31' });
 * console.log(formatUsageReport(report, 'text'));
 * const f = await monitor.forecast('prod-web-app');
 * if (f.exhaustsBeforeReset) console.warn(`${f.name} runs dry on ${f.exhaustsAt?.toISOString()}`);
 * ```
 */
export class UsageMonitor {
  readonly #registry: RegistryView;
  readonly #source: UsageSource;
  readonly #clock: Clock;
  readonly #maxRangeDays: number;
  readonly #limit: LimitFunction;
  readonly #tokenQuery: 'all' | 'byName';
  readonly #timeZone: string;

  constructor(options: UsageMonitorOptions) {
    const o = options as Partial<UsageMonitorOptions> | undefined;
    if (typeof o?.registry?.parseName !== 'function' || typeof o.registry.list !== 'function') {
      throw new ConfigurationError('UsageMonitor needs `registry`: a TokenRegistry (or any RegistryView)');
    }
    if (typeof o.source?.usage !== 'function') {
      throw new ConfigurationError('UsageMonitor needs `source`: a CostClient (or any UsageSource)');
    }
    const positive = (v: number | undefined, field: string, fallback: number) => {
      if (v === undefined) return fallback;
      if (!Number.isInteger(v) || v < 1) throw new ConfigurationError(`${field} must be an integer ≥ 1`);
      return v;
    };
    if (o.tokenQuery !== undefined && o.tokenQuery !== 'all' && o.tokenQuery !== 'byName') {
      throw new ConfigurationError(`tokenQuery must be 'all' or 'byName'`);
    }
    this.#registry = o.registry;
    this.#source = o.source;
    this.#clock = o.clock ?? systemClock;
    this.#maxRangeDays = positive(o.maxRangeDays, 'maxRangeDays', DEFAULT_MAX_RANGE_DAYS);
    this.#limit = pLimit(positive(o.concurrency, 'concurrency', DEFAULT_CONCURRENCY));
    this.#tokenQuery = o.tokenQuery ?? 'all';
    this.#timeZone = o.timeZone ?? DEFAULT_TIME_ZONE;
    assertTimeZone(this.#timeZone);
  }

  /**
   * Spend of one logical token over `range` (both days inclusive), all generations together:
   * `prod-web-app`, `prod-web-app--g2`… A generation's name gives the same answer as the
   * logical name. A name outside every environment is taken as one exact Eden name.
   *
   * @example
   * ```ts
   * const u = await monitor.tokenUsage('prod-web-app', { from: '2024-01-01', to: '2024-01-31' });
   * console.log(u.totalCost, u.byFeature[0]?.feature);
   * ```
   */
  async tokenUsage(name: string, range: DateRangeInput, options: RequestOptions = {}): Promise<TokenUsage> {
    assertName(name);
    const days = normalize(range);
    const parsed = this.#registry.parseName(name);
    if (!parsed) {
      const records = await this.#fetch(days, [{ token: name }], options);
      return aggregateToken(name, days, records, (n) => n === name);
    }
    const logical = parsed.logicalName;
    const filters =
      this.#tokenQuery === 'all'
        ? [{}]
        : generationNames(logical, await this.#highestGeneration(logical, parsed.generation, options)).map(
            (token) => ({
              token,
            }),
          );
    const records = await this.#fetch(days, filters, options);
    return aggregateToken(
      logical,
      days,
      records,
      (n) => this.#registry.parseName(n)?.logicalName === logical,
    );
  }

  /**
   * Spend per declared environment and per token over `range`: one unfiltered query per
   * window, every record attributed by its name. Usage under names outside every environment
   * (`base_token`, hand-made keys) is reported apart as `unmanaged`.
   *
   * @example
   * ```ts
   * const report = await monitor.report({ from: '2024-01-01', to: '2024-01-31' });
   * for (const e of report.environments) console.log(e.environment, e.totalCost);
   * ```
   */
  async report(range: DateRangeInput, options: RequestOptions = {}): Promise<UsageReport> {
    const days = normalize(range);
    const [managed, records] = await Promise.all([
      this.#registry.list({ signal: options.signal }),
      this.#fetch(days, [{}], options),
    ]);
    return aggregateReport({
      range: days,
      generatedAt: this.#clock().toISOString(),
      environments: Object.keys(this.#registry.environments),
      managed,
      records,
      parse: (n) => this.#registry.parseName(n),
    });
  }

  /**
   * Burn rate over the last `windowDays` complete days (default 7) and when the current
   * balance runs out at that rate, compared with the token's expiry and next budget reset.
   *
   * @example
   * ```ts
   * const f = await monitor.forecast('prod-web-app', { windowDays: 14 });
   * if (f.exhaustsBeforeExpiry && f.daysUntilExhausted !== null && f.daysUntilExhausted < 3) page(f);
   * ```
   */
  async forecast(name: string, options: ForecastOptions = {}): Promise<UsageForecast> {
    assertName(name);
    const { windowDays = 7, ...requestOptions } = options;
    assertWindowDays(windowDays);
    const token = await this.#registry.get(name, { signal: options.signal });
    const now = this.#clock();
    const window = forecastWindow(now, windowDays);
    const usage = await this.tokenUsage(token.name, window, requestOptions);
    return this.#forecastOf(token, now, window, windowDays, usage.totalCost);
  }

  /**
   * `forecast()` for many tokens at once, from one unfiltered cost query per window instead of
   * one query per token: what `AlertSystem` uses, so a thousand budgeted tokens cost one request,
   * not a thousand. Each result equals what `forecast(token.name)` returns.
   *
   * @example
   * ```ts
   * const forecasts = await monitor.forecastAll({ windowDays: 14 });
   * for (const f of forecasts) if (f.exhaustsBeforeReset) console.warn(`${f.name} runs dry first`);
   * ```
   */
  async forecastAll(options: ForecastAllOptions = {}): Promise<UsageForecast[]> {
    const { windowDays = 7, tokens, ...requestOptions } = options;
    assertWindowDays(windowDays);
    if (tokens !== undefined && !Array.isArray(tokens)) {
      throw new InvalidInputError('tokens must be an array of managed tokens (registry.list())', {
        field: 'tokens',
      });
    }
    const now = this.#clock();
    const window = forecastWindow(now, windowDays);
    const [list, records] = await Promise.all([
      tokens ?? this.#registry.list({ signal: options.signal }),
      this.#fetch(window, [{}], requestOptions),
    ]);
    const costs = costByLogicalName(records, (n) => this.#registry.parseName(n)?.logicalName);
    return list.map((token) =>
      this.#forecastOf(token, now, window, windowDays, fromNanos(costs.get(token.name) ?? 0)),
    );
  }

  #forecastOf(token: ManagedToken, now: Date, window: DayRange, windowDays: number, windowCost: number) {
    return computeForecast({ token, now, window, windowDays, windowCost, timeZone: this.#timeZone });
  }

  /**
   * Checks that a token's balance dropped by what Eden reports it spent between two readings.
   * Balances belong to one generation: a logical name means its current generation, a
   * generation's name means that one. Top-ups or resets in between go in `credited`.
   *
   * @example
   * ```ts
   * const r = await monitor.reconcile('prod-web-app', {
   *   from: '2024-01-01', to: '2024-01-31', balanceBefore: 500, balanceAfter: 372.89,
   *   tolerance: { absolute: 0.05 },
   * });
   * if (!r.ok) logger.warn(r.message);
   * ```
   */
  async reconcile(
    name: string,
    input: ReconcileInput,
    options: RequestOptions = {},
  ): Promise<Reconciliation> {
    assertName(name);
    if (typeof input !== 'object' || input === null) {
      throw new InvalidInputError('reconcile needs { from, to, balanceBefore, balanceAfter }', {
        field: 'input',
      });
    }
    const days = normalize({ from: input.from, to: input.to });
    checkReconcileNumbers(input);
    const token = await this.#registry.get(name, { signal: options.signal });
    const tokenName = name === token.name ? token.tokenName : name;
    const records = await this.#fetch(days, [{ token: tokenName }], options);
    const usage = aggregateToken(token.name, days, records, (n) => n === tokenName);
    return compareBalance({
      name: token.name,
      tokenName,
      range: days,
      balanceBefore: input.balanceBefore,
      balanceAfter: input.balanceAfter,
      credited: input.credited,
      reportedCost: usage.totalCost,
      tolerance: input.tolerance,
    });
  }

  #fetch(range: DayRange, filters: UsageFilter[], options: RequestOptions) {
    return fetchWindowed(this.#source, range, {
      ...options,
      filters,
      maxRangeDays: this.#maxRangeDays,
      limit: this.#limit,
    });
  }

  async #highestGeneration(logical: string, asked: number, options: RequestOptions): Promise<number> {
    try {
      const token = await this.#registry.get(logical, { signal: options.signal });
      const live = token.generations.map((n) => this.#registry.parseName(n)?.generation ?? 1);
      return Math.max(asked, token.generation, ...live);
    } catch (error) {
      // A token deleted since still has history under the names we can derive.
      if (isNotFound(error)) return asked;
      throw error;
    }
  }
}

function assertWindowDays(windowDays: number): void {
  if (!Number.isInteger(windowDays) || windowDays < 1) {
    throw new InvalidInputError(`windowDays must be an integer ≥ 1, got ${String(windowDays)}`, {
      field: 'windowDays',
    });
  }
}

function assertName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidInputError(`token name must be a non-empty string, got ${JSON.stringify(name)}`, {
      field: 'name',
    });
  }
}

function normalize(range: DateRangeInput): DayRange {
  const { from, to } = parseRange(range);
  return { from: formatDay(from), to: formatDay(to) };
}

/** `prod-web-app`, `prod-web-app--g2` … `prod-web-app--g{highest}`: every name a generation had. */
function generationNames(logical: string, highest: number): string[] {
  const names = [logical];
  for (let g = 2; g <= highest; g++) names.push(`${logical}${GENERATION_SEPARATOR}${g}`);
  return names;
}
