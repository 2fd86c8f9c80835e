import type { Logger } from '../core/types.js';
import type { ManagedToken, RegistryView } from '../registry/types.js';
import type { RotationFailureSource } from '../rotation/types.js';
import { append, type CheckContext, SEVERITY_RANK } from './alert.js';
import { budgetAlert, budgetOf, type LowBalanceRule, lowBalanceAlert } from './checks/balance.js';
import { expiryAlert } from './checks/expiry.js';
import { forecastAlertId, forecastAlerts } from './checks/forecast.js';
import { policyAlerts } from './checks/policy.js';
import { rotationAlert } from './checks/rotation.js';
import { unmanagedAlert } from './checks/unmanaged.js';
import type { BalancePeaks } from './peaks.js';
import { daysToExpiry } from './periods.js';
import { ALERT_KINDS } from './settings.js';
import type {
  Alert,
  AlertKind,
  AlertRules,
  EnvironmentHealth,
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
  /** Evaluate only these kinds (default: all). */
  only?: ReadonlySet<AlertKind>;
  /** `checkExpiringTokens(n)`. */
  withinDays?: number;
  /** `checkLowBalanceTokens(...)`: replaces the environment's low-balance rule. */
  lowBalance?: Partial<LowBalanceRule>;
}

export interface Evaluation {
  alerts: Alert[];
  environments: EnvironmentHealth[];
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
  const [grouped, failures] = await Promise.all([
    registry.byEnvironment(),
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
    peaks.load(declared),
  ]);
  const envNames = [
    ...declared,
    ...Object.keys(grouped).filter((e) => e !== 'unmanaged' && !declared.includes(e)),
  ];

  const alerts: Alert[] = [];
  const environments: EnvironmentHealth[] = [];
  const forecastable: ManagedToken[] = [];

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
      const budget = budgetOf(t, peaks);
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
    attach(await forecastAlerts(forecastable, input.usage, ctx, input.logger), alerts, byToken);
    // A forecast wavers with daily traffic. Once sent, it holds for the rest of its budget period
    // (or generation) rather than being re-sent whenever the burn rate crosses the line again;
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

  for (const env of environments) for (const t of env.tokens) t.status = statusOf(t.alerts);
  return {
    alerts,
    environments,
    keep: (id) => held.has(id) || (keepRotations && id.startsWith('rotation-failed:')),
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
