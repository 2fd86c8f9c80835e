// One evaluation: every check over the registry's tokens, forecasts and failed rotations included,
// and the per-token health built from the alerts. Sends nothing.
import { fromNanos, toNanos } from '../core/money.js';
import type { Logger, RequestOptions } from '../core/types.js';
import type { Alert, AlertKind } from '../ports/notifier.js';
import type { ManagedToken, RegistryView } from '../registry/types.js';
import type { RotationFailureSource } from '../rotation/types.js';
import { accountAlerts, isAccountAlertId } from './account.js';
import {
  alertId,
  append,
  budgetAlert,
  budgetOf,
  type CheckContext,
  daysToExpiry,
  expiryAlert,
  type LowBalanceRule,
  lowBalanceAlert,
  plural,
  policyAlerts,
  rotationAlert,
  SEVERITY_RANK,
  tokenAlert,
  unmanagedAlert,
} from './checks.js';
import type { BalancePeaks } from './peaks.js';
import { ALERT_KINDS, type AlertRules } from './rules.js';
import type {
  AccountHealth,
  CreditsSource,
  EnvironmentHealth,
  ExhaustionForecast,
  ForecastSource,
  TokenHealth,
} from './types.js';

export interface EvaluateInput {
  registry: RegistryView;
  rules: (environment: string) => AlertRules;
  ctx: CheckContext;
  peaks: BalancePeaks;
  logger: Logger;
  usage?: ForecastSource | undefined;
  rotations?: RotationFailureSource | undefined;
  /** Enables the account alerts. */
  credits?: CreditsSource | undefined;
  /** `low-credits` below this many USD. */
  lowCreditsAmount: number;
  /** Evaluate only these kinds (default: all). */
  only?: ReadonlySet<AlertKind>;
  /** `checkExpiringTokens(n)`. */
  withinDays?: number;
  /** `checkLowBalanceTokens(...)`: replaces the environment's low-balance rule. */
  lowBalance?: Partial<LowBalanceRule>;
  /** Passed to the registry and the forecaster. */
  signal?: AbortSignal | undefined;
}

export interface Evaluation {
  alerts: Alert[];
  environments: EnvironmentHealth[];
  /** Present when the credits were read. */
  account?: AccountHealth;
  /** Ids whose condition could not be evaluated this run: their marks must survive. */
  keep: (id: string) => boolean;
}

type Kinds = Record<AlertKind, boolean>;

/**
 * Evaluates every rule over the registry's tokens (one `byEnvironment()` call) and builds the
 * per-token health. Sends nothing. The per-token loop is the hot path (10,000 tokens in a few
 * ms): per-environment decisions are made once, outside it.
 */
export async function evaluate(input: EvaluateInput): Promise<Evaluation> {
  const { registry, ctx, peaks } = input;
  const kindsOf = (env: string): Kinds => enabledKinds(input.rules(env), input.only);

  const declared = Object.keys(registry.environments);
  const accountKinds = kindsOf('account');
  const wantsAccount = accountKinds['low-credits'] || accountKinds['budgets-exceed-credits'];
  const [grouped, failures, credits] = await Promise.all([
    registry.byEnvironment({ signal: input.signal }),
    input.rotations && (!input.only || input.only.has('rotation-failed'))
      ? input.rotations.failures().then(
          (f) => f,
          (error: unknown) => {
            input.logger.warn('alerts: listing failed rotations failed', {
              error: (error as Error)?.message,
            });
            return undefined;
          },
        )
      : [],
    input.credits && wantsAccount
      ? input.credits.credits({ signal: input.signal }).then(
          (c) => c,
          (error: unknown) => {
            input.logger.warn('alerts: reading the account credits failed', {
              error: (error as Error)?.message,
            });
            return undefined;
          },
        )
      : undefined,
    peaks.load(declared),
  ]);
  const envNames = [
    ...declared,
    ...Object.keys(grouped).filter((e) => e !== 'unmanaged' && !declared.includes(e)),
  ];

  const alerts: Alert[] = [];
  const environments: EnvironmentHealth[] = [];
  const forecastable: ManagedToken[] = [];
  // What the budgets promise, against the account's credits (in nano-dollars: exact sums).
  let allocatedNanos = 0;
  let unlimited = 0;

  for (const environment of envNames) {
    const rules = input.rules(environment);
    const kinds = kindsOf(environment);
    const policy = kinds['policy-violation'] ? registry.environments[environment] : undefined;
    const expiry = kinds.expiring || kinds.expired;
    const forecast = kinds['exhaustion-forecast'] && input.usage !== undefined;
    const low: LowBalanceRule = {
      ratio: input.lowBalance?.ratio ?? rules.lowBalanceRatio,
      amount: input.lowBalance?.amount ?? rules.lowBalanceAmount,
    };
    const tokens: TokenHealth[] = [];
    for (const t of grouped[environment] ?? []) {
      const days = daysToExpiry(t.expireTime, ctx.nowMs);
      const { budget, source } = budgetOf(t, peaks);
      if (budget !== null) allocatedNanos += toNanos(budget);
      else if (!t.activeBalance) unlimited++;
      // Most tokens are healthy: allocate their alert list only when one fires.
      let own: Alert[] | undefined;
      if (expiry) own = append(own, expiryAlert(t, days, rules, kinds, ctx, input.withinDays));
      if (budget !== null || low.amount !== null) {
        if (kinds['low-balance']) own = append(own, lowBalanceAlert(t, budget, low, ctx));
        if (kinds['budget-threshold']) own = append(own, budgetAlert(t, budget, rules, ctx));
      }
      if (policy) own = policyAlerts(t, policy, days, ctx, own);
      if (forecast && t.activeBalance) forecastable.push(t);
      if (own) for (const a of own) alerts.push(a);
      tokens.push({
        name: t.name,
        tokenName: t.tokenName,
        status: 'ok',
        balance: t.activeBalance ? t.balance : null,
        budget,
        budgetSource: source,
        daysToExpiry: days,
        alerts: own ?? [],
      });
    }
    environments.push({ environment, tokens });
  }

  const unmanaged = grouped.unmanaged ?? [];
  if (unmanaged.length > 0) {
    const wanted = kindsOf('unmanaged')['unmanaged-token'];
    const tokens: TokenHealth[] = unmanaged.map((t) => {
      const own = wanted ? [unmanagedAlert(t, ctx)] : [];
      for (const a of own) alerts.push(a);
      return {
        name: t.name,
        tokenName: t.name,
        status: 'ok',
        balance: t.activeBalance ? t.balance : null,
        budget: null,
        budgetSource: null,
        daysToExpiry: daysToExpiry(t.expireTime, ctx.nowMs),
        alerts: own,
      };
    });
    environments.push({ environment: 'unmanaged', tokens });
  }

  const held = new Set<string>();
  const byToken = new Map<string, TokenHealth>();
  if (input.usage || failures?.length) {
    for (const env of environments) for (const t of env.tokens) byToken.set(t.name, t);
  }
  if (input.usage && forecastable.length > 0) {
    const forecasts = await forecastAlerts(forecastable, input.usage, ctx, input.logger, {
      signal: input.signal,
    });
    attach(forecasts, alerts, byToken);
    // A forecast wavers with daily traffic. Once sent, it holds for the rest of its budget period
    // (or allocation) rather than being re-sent whenever the burn rate crosses the line again;
    // this also keeps it while the forecaster fails.
    for (const t of forecastable) held.add(forecastAlertId(t, ctx));
  }
  // Without a failure source this run knows nothing about rotations: keep their alerts as they are.
  const keepRotations = failures === undefined;
  if (failures !== undefined) {
    const rotation = failures
      .map((f) => rotationAlert(f, registry, ctx))
      .filter((a) => kindsOf(a.environment)['rotation-failed']);
    attach(rotation, alerts, byToken);
  }

  let account: AccountHealth | undefined;
  if (credits !== undefined) {
    const allocated = fromNanos(allocatedNanos);
    const own = accountAlerts(credits, allocated, input.lowCreditsAmount, accountKinds, ctx);
    for (const a of own) alerts.push(a);
    account = { credits, allocated, unlimited, alerts: own };
  }
  // Credits not read this run (no source, a failed read, or not asked): their marks stay.
  const keepAccount = credits === undefined;

  for (const env of environments) for (const t of env.tokens) t.status = statusOf(t.alerts);
  return {
    alerts,
    environments,
    ...(account && { account }),
    keep: (id) =>
      held.has(id) ||
      (keepRotations && id.startsWith('rotation-failed:')) ||
      (keepAccount && isAccountAlertId(id)),
  };
}

function enabledKinds(rules: AlertRules, only: ReadonlySet<AlertKind> | undefined): Kinds {
  const kinds = {} as Kinds;
  for (const k of ALERT_KINDS) kinds[k] = (!only || only.has(k)) && !rules.disabled.includes(k);
  return kinds;
}

function attach(extra: Alert[], alerts: Alert[], byToken: Map<string, TokenHealth>): void {
  for (const a of extra) {
    alerts.push(a);
    byToken.get(a.token)?.alerts.push(a);
  }
}

/** Info alerts leave a token `ok`; otherwise its worst severity. */
function statusOf(alerts: readonly Alert[]): TokenHealth['status'] {
  let rank = 0;
  for (const a of alerts) rank = Math.max(rank, SEVERITY_RANK[a.severity]);
  return rank === 2 ? 'critical' : rank === 1 ? 'warning' : 'ok';
}

/**
 * Asks the forecaster about every budgeted token (in one call with `forecastAll`, else a few at a
 * time) and alerts when the budget is forecast to run out before the token expires or its budget
 * resets. Keyed by budget period.
 */
async function forecastAlerts(
  tokens: readonly ManagedToken[],
  source: ForecastSource,
  ctx: CheckContext,
  logger: Logger,
  options: RequestOptions,
  concurrency = 8,
): Promise<Alert[]> {
  const alerts: Alert[] = [];
  const failed = (who: { token: string } | { tokens: number }, error: unknown) =>
    logger.warn('alerts: forecast failed', { ...who, error: (error as Error)?.message });
  const consider = (t: ManagedToken, f: ExhaustionForecast) => {
    const alert = forecastAlert(t, f, ctx);
    if (alert) alerts.push(alert);
  };
  if (source.forecastAll) {
    try {
      const byName = new Map((await source.forecastAll({ ...options, tokens })).map((f) => [f.name, f]));
      for (const t of tokens) {
        const f = byName.get(t.name);
        if (f) consider(t, f);
      }
    } catch (error) {
      failed({ tokens: tokens.length }, error);
    }
    return alerts;
  }
  await eachLimit(tokens, concurrency, async (t) => {
    try {
      consider(t, await source.forecast(t.name, options));
    } catch (error) {
      failed({ token: t.name }, error);
    }
  });
  return alerts;
}

/** The id a token's forecast alert has in the current budget period (or allocation). */
function forecastAlertId(t: ManagedToken, ctx: CheckContext): string {
  return alertId('exhaustion-forecast', t.name, t.generation, ctx.periods[t.balanceResetPeriod]);
}

function forecastAlert(t: ManagedToken, f: ExhaustionForecast, ctx: CheckContext): Alert | undefined {
  if (!f.exhaustsBeforeExpiry && !f.exhaustsBeforeReset) return undefined;
  const before = f.exhaustsBeforeExpiry ? 'before it expires' : `before its ${t.balanceResetPeriod} reset`;
  const when =
    f.daysUntilExhausted === null ? '' : ` in about ${plural(Math.ceil(f.daysUntilExhausted), 'day')}`;
  const period = ctx.periods[t.balanceResetPeriod];
  return tokenAlert(
    t,
    'exhaustion-forecast',
    'warning',
    `${t.name} is forecast to run out of budget${when}, ${before}`,
    ctx,
    period,
    undefined,
    { period, balance: t.balance },
  );
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. Stops at the first rejection and
 * rethrows it (like `Promise.all`); callers that must not stop catch inside `fn`.
 */
async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
