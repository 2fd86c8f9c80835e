import type { ManagedToken } from '../../registry/types.js';
import { type CheckContext, percent, tokenAlert, usd } from '../alert.js';
import type { BalancePeaks } from '../peaks.js';
import type { Alert, AlertRules } from '../types.js';

/**
 * The amount a token's balance is measured against: its reset amount when the budget refills,
 * else the largest balance seen for this generation (kept in the state store: Eden does not
 * remember what a token started with). `null` when spending is unlimited or nothing is known.
 */
export function budgetOf(t: ManagedToken, peaks: BalancePeaks): number | null {
  if (!t.activeBalance || t.balance === null) return null;
  if (t.balanceResetPeriod !== 'none' && t.balanceResetAmount !== null && t.balanceResetAmount > 0) {
    return t.balanceResetAmount;
  }
  const peak = peaks.observe(t.environment, t.tokenName, t.balance);
  return peak > 0 ? peak : null;
}

const EPSILON = 1e-9;

export interface LowBalanceRule {
  ratio: number;
  amount: number | null;
}

/**
 * Low balance: below `ratio` of the budget, or below the absolute `amount` when one is set.
 * Critical once nothing is left. Keyed by budget period, so a refilled budget that runs low
 * again alerts again.
 */
export function lowBalanceAlert(
  t: ManagedToken,
  budget: number | null,
  rule: LowBalanceRule,
  ctx: CheckContext,
): Alert | undefined {
  if (!t.activeBalance || t.balance === null) return undefined;
  const balance = t.balance;
  const byRatio = budget !== null && balance < rule.ratio * budget - EPSILON;
  const byAmount = rule.amount !== null && balance < rule.amount - EPSILON;
  if (!byRatio && !byAmount) return undefined;
  const left =
    budget !== null
      ? `${usd(balance)} left of ${usd(budget)} (${percent(Math.max(0, balance) / budget)})`
      : `${usd(balance)} left (below ${usd(rule.amount ?? 0)})`;
  const period = ctx.periods[t.balanceResetPeriod];
  return tokenAlert(
    t,
    'low-balance',
    balance <= 0 ? 'critical' : 'warning',
    `${t.name} balance is low: ${left}`,
    ctx,
    period,
    undefined,
    byRatio ? { threshold: rule.ratio, period, balance, budget } : { period, balance, budget },
  );
}

/**
 * The highest budget threshold reached (fraction used), once per budget period: 50 % is info,
 * 75 % and 90 % warnings, 100 % critical.
 */
export function budgetAlert(
  t: ManagedToken,
  budget: number | null,
  rules: AlertRules,
  ctx: CheckContext,
): Alert | undefined {
  if (budget === null || t.balance === null) return undefined;
  const used = (budget - t.balance) / budget;
  // budgetThresholds is sorted largest first: the first one reached is the highest.
  const threshold = rules.budgetThresholds.find((x) => used >= x - EPSILON);
  if (threshold === undefined) return undefined;
  const period = ctx.periods[t.balanceResetPeriod];
  const spent = budget - Math.max(0, t.balance);
  const label = t.balanceResetPeriod === 'none' ? '' : `${t.balanceResetPeriod} `;
  const pct = Math.round(threshold * 1000) / 10;
  return tokenAlert(
    t,
    'budget-threshold',
    threshold >= 1 ? 'critical' : threshold >= 0.75 ? 'warning' : 'info',
    `${t.name} has used ${pct} % of its ${usd(budget)} ${label}budget (${usd(spent)} spent)`,
    ctx,
    `${pct}pct`,
    period,
    { threshold, period, balance: t.balance, budget },
  );
}
