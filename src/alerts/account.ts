// Budgets against the account: every allocated budget is a promise drawn on the account's credits
// (Eden answers 402 once they run out, whatever a token's balance says). Two alerts, about the
// account rather than a token.
import type { Alert, AlertKind } from '../ports/notifier.js';
import { type CheckContext, usd } from './checks.js';

/** The `token` and `environment` of account alerts. */
const ACCOUNT = 'account';

/** Whether an alert id is an account alert's (`low-credits:account`); token ids end in `:g{n}`. */
export function isAccountAlertId(id: string): boolean {
  return id.endsWith(`:${ACCOUNT}`);
}

function accountAlert(
  kind: AlertKind,
  severity: Alert['severity'],
  message: string,
  ctx: CheckContext,
  extra: Partial<Alert>,
): Alert {
  return Object.assign(
    {
      id: `${kind}:${ACCOUNT}`,
      kind,
      severity,
      token: ACCOUNT,
      tokenName: ACCOUNT,
      generation: 0,
      environment: ACCOUNT,
      message,
      at: ctx.now,
    },
    extra,
  );
}

/**
 * `low-credits` below `lowCreditsAmount` (critical once nothing is left), and
 * `budgets-exceed-credits` when the allocated budgets add up to more than the credits left.
 * `balance` carries the credits, `budget` the allocated sum.
 */
export function accountAlerts(
  credits: number,
  allocated: number,
  lowCreditsAmount: number,
  kinds: Readonly<Record<AlertKind, boolean>>,
  ctx: CheckContext,
): Alert[] {
  const alerts: Alert[] = [];
  if (kinds['low-credits'] && (credits < lowCreditsAmount || credits <= 0)) {
    const message =
      credits <= 0
        ? `The Eden AI account has no credits left (${usd(credits)}): every request is refused (402)`
        : `The Eden AI account's credits are low: ${usd(credits)} left (below ${usd(lowCreditsAmount)}); requests are refused (402) once they run out`;
    alerts.push(
      accountAlert('low-credits', credits <= 0 ? 'critical' : 'warning', message, ctx, {
        threshold: lowCreditsAmount,
        balance: credits,
        budget: allocated,
      }),
    );
  }
  if (kinds['budgets-exceed-credits'] && allocated > credits + 5e-10) {
    const message = `Allocated token budgets (${usd(allocated)}) exceed the account's credits (${usd(credits)}): tokens may be refused (402) before their budgets run out`;
    alerts.push(
      accountAlert('budgets-exceed-credits', 'warning', message, ctx, {
        balance: credits,
        budget: allocated,
      }),
    );
  }
  return alerts;
}
