import type { Logger } from '../core/types.js';
import type { ManagedToken, RegistryView } from '../registry/types.js';
import type { RotationFailureSource } from '../rotation/types.js';
import { type CheckContext, SEVERITY_RANK } from './alert.js';
import { budgetAlert, budgetOf, type LowBalanceRule, lowBalanceAlert } from './checks/balance.js';
import { expiryAlert } from './checks/expiry.js';
import { forecastAlerts } from './checks/forecast.js';
import { policyAlerts } from './checks/policy.js';
import { rotationAlert } from './checks/rotation.js';
import { unmanagedAlert } from './checks/unmanaged.js';
import type { BalancePeaks } from './peaks.js';
import { daysToExpiry } from './periods.js';
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

/** Evaluates every rule over the registry's tokens (one `byEnvironment()` call). Sends nothing. */
export async function evaluate(input: EvaluateInput): Promise<Evaluation> {
  const { registry, ctx, peaks, only } = input;
  const wants = (kind: AlertKind, rules: AlertRules) =>
    (!only || only.has(kind)) && !rules.disabled.includes(kind);

  const grouped = await registry.byEnvironment();
  const declared = Object.keys(registry.environments);
  const envNames = [
    ...declared,
    ...Object.keys(grouped).filter((e) => e !== 'unmanaged' && !declared.includes(e)),
  ];
  const [failures] = await Promise.all([
    input.rotations && (!only || only.has('rotation-failed'))
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
    peaks.load(envNames),
  ]);

  const alerts: Alert[] = [];
  const environments: EnvironmentHealth[] = [];
  const byToken = new Map<string, TokenHealth>();
  const budgeted: ManagedToken[] = [];

  for (const environment of envNames) {
    const rules = input.rules(environment);
    const policy = registry.environments[environment];
    const low: LowBalanceRule = {
      ratio: input.lowBalance?.ratio ?? rules.lowBalanceRatio,
      amount: input.lowBalance?.amount ?? rules.lowBalanceAmount,
    };
    const tokens: TokenHealth[] = [];
    for (const t of grouped[environment] ?? []) {
      const days = daysToExpiry(t.expireTime, ctx.nowMs);
      const peak = peaks.get(environment, t.tokenName);
      if (t.activeBalance && t.balance !== null) peaks.observe(environment, t.tokenName, t.balance);
      const budget = budgetOf(t, peak);
      const own: Alert[] = [];
      if (wants('expiring', rules) || wants('expired', rules)) {
        const a = expiryAlert(t, onlyKinds(rules, only), ctx, input.withinDays);
        if (a) own.push(a);
      }
      if (wants('low-balance', rules)) {
        const a = lowBalanceAlert(t, budget, low, ctx);
        if (a) own.push(a);
      }
      if (wants('budget-threshold', rules)) {
        const a = budgetAlert(t, budget, rules, ctx);
        if (a) own.push(a);
      }
      if (wants('policy-violation', rules)) for (const a of policyAlerts(t, policy, days, ctx)) own.push(a);
      if (wants('exhaustion-forecast', rules) && input.usage && t.activeBalance) budgeted.push(t);
      for (const a of own) alerts.push(a);
      const health: TokenHealth = {
        name: t.name,
        tokenName: t.tokenName,
        status: 'ok',
        balance: t.activeBalance ? t.balance : null,
        budget,
        daysToExpiry: days,
        alerts: own,
      };
      tokens.push(health);
      byToken.set(t.name, health);
    }
    environments.push({ environment, tokens });
  }

  const unmanaged = grouped.unmanaged ?? [];
  if (unmanaged.length > 0) {
    const rules = input.rules('unmanaged');
    const tokens: TokenHealth[] = unmanaged.map((t) => {
      const own = wants('unmanaged-token', rules) ? [unmanagedAlert(t, ctx)] : [];
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

  const keepPrefixes: string[] = [];
  if (input.usage && budgeted.length > 0) {
    const result = await forecastAlerts(budgeted, input.usage, ctx, input.logger);
    attach(result.alerts, alerts, byToken);
    for (const name of result.unknown) keepPrefixes.push(`exhaustion-forecast:${encodeURIComponent(name)}:`);
  }
  if (failures === undefined) keepPrefixes.push('rotation-failed:');
  else {
    const rotation = failures
      .map((f) => rotationAlert(f, registry, ctx))
      .filter((a) => !input.rules(a.environment).disabled.includes('rotation-failed'));
    attach(rotation, alerts, byToken);
  }

  for (const env of environments) for (const t of env.tokens) t.status = statusOf(t.alerts);
  return { alerts, environments, keep: (id) => keepPrefixes.some((p) => id.startsWith(p)) };
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

/** Passes `only` down to the expiry check, which returns either `expiring` or `expired`. */
function onlyKinds(rules: AlertRules, only: ReadonlySet<AlertKind> | undefined): AlertRules {
  if (!only) return rules;
  const disabled = [...rules.disabled];
  if (!only.has('expiring')) disabled.push('expiring');
  if (!only.has('expired')) disabled.push('expired');
  return disabled.length === rules.disabled.length ? rules : { ...rules, disabled };
}
