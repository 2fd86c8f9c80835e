// The checks: each turns one token (and the rules of its environment) into at most a few alerts.
// Pure and synchronous; `evaluate` runs them over the registry. Healthy tokens allocate nothing.

import { formatPercent, formatUsd as usd } from '../core/format.js';
import { DAY_MS } from '../core/time.js';
import type { EdenToken, ResetPeriod } from '../ports/backend.js';
import type { Alert, AlertKind, Severity } from '../ports/notifier.js';
import type { BudgetSource } from '../registry/budget.js';
import type { EnvironmentPolicy, ManagedToken, RegistryView } from '../registry/types.js';
import type { RotationFailure } from '../rotation/types.js';
import type { BalancePeaks } from './peaks.js';
import type { AlertRules } from './rules.js';

/** What every check needs about "now"; built once per evaluation. */
export interface CheckContext {
  now: Date;
  nowMs: number;
  /** Budget period key of each reset period (see `periodKeys`). */
  periods: Record<ResetPeriod, string>;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/**
 * Alerts about the budget: it belongs to the logical token and is carried across generations
 * (invariant 9), so a rotation does not make them new.
 */
const BUDGET_KINDS: ReadonlySet<AlertKind> = new Set([
  'low-balance',
  'budget-threshold',
  'exhaustion-forecast',
]);

/**
 * Stable dedupe id: kind, logical token, generation (except for budget alerts), then threshold and
 * period when they matter. Parts are URI-encoded so an id never contains `/` (it is part of a
 * state key). `expiring:prod-web-app:g2:7d`, `budget-threshold:prod-web-app:75pct:2024-05`.
 */
export function alertId(
  kind: AlertKind,
  token: string,
  generation: number,
  part1?: string,
  part2?: string,
): string {
  let id = `${kind}:${safe(token)}`;
  if (!BUDGET_KINDS.has(kind)) id += `:g${generation}`;
  if (part1 !== undefined) id += `:${safe(part1)}`;
  if (part2 !== undefined) id += `:${safe(part2)}`;
  return id;
}

/** Token names and period keys are already URI-safe: skip the encoder for them (hot path). */
const SAFE = /^[A-Za-z0-9_.-]*$/;
function safe(part: string): string {
  return SAFE.test(part) ? part : encodeURIComponent(part);
}

/** The fields every alert about a managed token shares (`part1`/`part2` extend the id). */
export function tokenAlert(
  t: ManagedToken,
  kind: AlertKind,
  severity: Severity,
  message: string,
  ctx: CheckContext,
  part1: string | undefined,
  part2: string | undefined,
  extra: Partial<Alert>,
): Alert {
  const alert: Alert = {
    id: alertId(kind, t.name, t.generation, part1, part2),
    kind,
    severity,
    token: t.name,
    tokenName: t.tokenName,
    generation: t.generation,
    environment: t.environment,
    message,
    at: ctx.now,
  };
  return Object.assign(alert, extra);
}

/** Appends to a list created on first use, so healthy tokens allocate no alert list. */
export function append(list: Alert[] | undefined, alert: Alert | undefined): Alert[] | undefined {
  if (!alert) return list;
  if (!list) return [alert];
  list.push(alert);
  return list;
}

// Money and percentages as the CLI and every report print them (core/format: `$1,000.00`, `84.5%`).
export { usd };

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Whole days left before `expireTime`, rounded up, so "≤ 7 days" holds exactly when at most
 * seven days remain. 0 or negative once expired; `null` when the token never expires.
 */
export function daysToExpiry(expireTime: Date | null, nowMs: number): number | null {
  if (!expireTime) return null;
  const ms = expireTime.getTime() - nowMs;
  return ms <= 0 ? 0 - Math.floor(-ms / DAY_MS) : Math.ceil(ms / DAY_MS);
}

/**
 * The one expiry alert of a token, if any: `expired` once the expiry time has passed, else
 * `expiring` for the tightest threshold reached (a token first seen 5 days out gets the 7-day
 * alert, not 14 and 7). Each threshold has its own id, so each fires once per generation.
 * `withinDays` (for `checkExpiringTokens(n)`) also reports tokens inside n days that no
 * configured threshold covers. `days` is `daysToExpiry(t.expireTime)`.
 */
export function expiryAlert(
  t: ManagedToken,
  days: number | null,
  rules: AlertRules,
  kinds: { expiring: boolean; expired: boolean },
  ctx: CheckContext,
  withinDays?: number,
): Alert | undefined {
  if (days === null || !t.expireTime) return undefined;
  if (t.expireTime.getTime() <= ctx.nowMs) {
    if (!kinds.expired) return undefined;
    const ago = -days;
    const when = ago === 0 ? 'today' : `${plural(ago, 'day')} ago`;
    return tokenAlert(
      t,
      'expired',
      'critical',
      `${t.name} expired ${when} (${isoDay(t.expireTime)}); requests with it are rejected`,
      ctx,
      undefined,
      undefined,
      { daysToExpiry: days },
    );
  }
  if (!kinds.expiring) return undefined;
  // expiryDays is sorted largest first: the last threshold still ≥ days is the tightest reached.
  let threshold: number | undefined;
  for (const d of rules.expiryDays) if (days <= d) threshold = d;
  if (withinDays !== undefined) {
    if (days > withinDays) return undefined;
    threshold ??= withinDays;
  }
  if (threshold === undefined) return undefined;
  return tokenAlert(
    t,
    'expiring',
    days <= rules.criticalDays ? 'critical' : 'warning',
    `${t.name} expires in ${plural(days, 'day')} (${isoDay(t.expireTime)})`,
    ctx,
    `${threshold}d`,
    undefined,
    { threshold, daysToExpiry: days },
  );
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The budget a token's balance is measured against, and where it comes from. */
export interface MeasuredBudget {
  budget: number | null;
  source: BudgetSource | null;
}

const NO_BUDGET: MeasuredBudget = Object.freeze({ budget: null, source: null });

/**
 * The amount a token's balance is measured against: its allocated budget, as the registry reports
 * it (recorded, reset amount or policy default). When the registry only observed it (or a
 * `RegistryView` of your own reports none), the largest balance seen for the logical token, kept
 * in the state store across runs and generations. Unlimited or unknown: no budget.
 */
export function budgetOf(t: ManagedToken, peaks: BalancePeaks): MeasuredBudget {
  if (!t.activeBalance || t.balance === null) return NO_BUDGET;
  const source = t.budgetSource;
  if (source && source !== 'observed' && t.budget !== null && t.budget !== undefined)
    return t.budget > 0 ? { budget: t.budget, source } : NO_BUDGET;
  if (!source && t.balanceResetPeriod !== 'none' && t.balanceResetAmount !== null && t.balanceResetAmount > 0)
    return { budget: t.balanceResetAmount, source: 'reset-amount' };
  const peak = peaks.observe(t.environment, t.name, Math.max(t.balance, t.budget ?? 0));
  return peak > 0 ? { budget: peak, source: 'observed' } : NO_BUDGET;
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
      ? `${usd(balance)} left of ${usd(budget)} (${formatPercent(Math.max(0, balance) / budget)})`
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
  // Says how much is used (84.5%), and which threshold that crossed (75%).
  return tokenAlert(
    t,
    'budget-threshold',
    threshold >= 1 ? 'critical' : threshold >= 0.75 ? 'warning' : 'info',
    `${t.name} has used ${formatPercent(used)} of its ${usd(budget)} ${label}budget (${usd(spent)} spent; threshold ${formatPercent(threshold)})`,
    ctx,
    `${pct}pct`,
    period,
    { threshold, period, balance: t.balance, budget },
  );
}

/**
 * Ways a live token breaks its environment's policy (it was created outside the registry, or the
 * policy tightened since): wrong token type, missing or too distant expiry, missing budget,
 * budget above the maximum. One alert per broken rule, as a warning, appended to `out`
 * (created when needed and returned, so healthy tokens allocate nothing).
 */
export function policyAlerts(
  t: ManagedToken,
  policy: EnvironmentPolicy,
  daysLeft: number | null,
  ctx: CheckContext,
  out?: Alert[],
): Alert[] | undefined {
  const env = t.environment;
  if (t.tokenType !== policy.tokenType) {
    out = append(
      out,
      violation(
        t,
        'tokenType',
        `${t.name} is a ${t.tokenType}; the ${env} policy requires ${policy.tokenType}`,
        ctx,
      ),
    );
  }
  const expiry = policy.expiry;
  if (expiry) {
    if (expiry.required && !t.expireTime) {
      out = append(
        out,
        violation(t, 'expiry.required', `${t.name} has no expiry date; the ${env} policy requires one`, ctx),
      );
    }
    if (expiry.maxDays !== undefined && daysLeft !== null && daysLeft > expiry.maxDays) {
      const msg = `${t.name} expires in ${daysLeft} days; the ${env} policy allows at most ${expiry.maxDays}`;
      out = append(out, violation(t, 'expiry.maxDays', msg, ctx));
    }
  }
  const budget = policy.budget;
  if (budget) {
    if (budget.required && !t.activeBalance) {
      const msg = `${t.name} has no budget (unlimited spending); the ${env} policy requires one`;
      out = append(out, violation(t, 'budget.required', msg, ctx));
    }
    if (budget.max !== undefined && t.activeBalance) {
      const over = Math.max(t.balance ?? 0, t.budget ?? 0, t.balanceResetAmount ?? 0);
      if (over > budget.max) {
        const msg = `${t.name} has a budget of ${usd(over)}; the ${env} policy allows at most ${usd(budget.max)}`;
        out = append(out, violation(t, 'budget.max', msg, ctx));
      }
    }
  }
  return out;
}

function violation(t: ManagedToken, rule: string, message: string, ctx: CheckContext): Alert {
  return tokenAlert(t, 'policy-violation', 'warning', message, ctx, rule, undefined, { rule });
}

/** A rotation stuck after a failure: critical, a service may be left on an expiring token. */
export function rotationAlert(f: RotationFailure, registry: RegistryView, ctx: CheckContext): Alert {
  const parsed = registry.parseName(f.name);
  const token = parsed?.logicalName ?? f.name;
  const generation = parsed?.generation ?? 1;
  return {
    id: alertId('rotation-failed', token, generation, f.rotationId, f.step),
    kind: 'rotation-failed',
    severity: 'critical',
    token,
    tokenName: f.name,
    generation,
    environment: parsed?.environment ?? 'unmanaged',
    message: `Rotation of ${token} failed at step "${f.step}" (${f.at.toISOString()}): ${f.message}. Run resume() or check it by hand`,
    at: ctx.now,
    rule: f.step,
  };
}

/** A token whose name matches no declared environment: worth knowing about, not urgent. */
export function unmanagedAlert(t: EdenToken, ctx: CheckContext): Alert {
  return {
    id: alertId('unmanaged-token', t.name, 1),
    kind: 'unmanaged-token',
    severity: 'info',
    token: t.name,
    tokenName: t.name,
    generation: 1,
    environment: 'unmanaged',
    message: `${t.name} matches no declared environment (unmanaged token)`,
    at: ctx.now,
    balance: t.activeBalance ? t.balance : null,
  };
}
