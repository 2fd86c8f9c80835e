import type { EnvironmentPolicy } from '../../registry/policy.js';
import type { ManagedToken } from '../../registry/types.js';
import { append, type CheckContext, tokenAlert, usd } from '../alert.js';
import type { Alert } from '../types.js';

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
      const over = Math.max(t.balance ?? 0, t.balanceResetAmount ?? 0);
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
