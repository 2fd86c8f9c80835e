import type { EnvironmentPolicy } from '../../registry/policy.js';
import type { ManagedToken } from '../../registry/types.js';
import { type CheckContext, tokenAlert, usd } from '../alert.js';
import type { Alert } from '../types.js';

/**
 * Ways a live token breaks its environment's policy (it was created outside the registry, or the
 * policy tightened since): wrong token type, missing or too distant expiry, missing budget,
 * budget above the maximum. One alert per broken rule, as a warning.
 */
export function policyAlerts(
  t: ManagedToken,
  policy: EnvironmentPolicy | undefined,
  daysLeft: number | null,
  ctx: CheckContext,
): Alert[] {
  if (!policy) return [];
  const out: Alert[] = [];
  const env = t.environment;
  const add = (rule: string, message: string) =>
    out.push(tokenAlert(t, 'policy-violation', 'warning', message, ctx, [rule], { rule }));

  if (t.tokenType !== policy.tokenType) {
    add('tokenType', `${t.name} is a ${t.tokenType}; the ${env} policy requires ${policy.tokenType}`);
  }
  const expiry = policy.expiry;
  if (expiry?.required && !t.expireTime) {
    add('expiry.required', `${t.name} has no expiry date; the ${env} policy requires one`);
  }
  if (expiry?.maxDays !== undefined && daysLeft !== null && daysLeft > expiry.maxDays) {
    add(
      'expiry.maxDays',
      `${t.name} expires in ${daysLeft} days; the ${env} policy allows at most ${expiry.maxDays}`,
    );
  }
  const budget = policy.budget;
  if (budget?.required && !t.activeBalance) {
    add('budget.required', `${t.name} has no budget (unlimited spending); the ${env} policy requires one`);
  }
  if (budget?.max !== undefined && t.activeBalance) {
    const over = Math.max(t.balance ?? 0, t.balanceResetAmount ?? 0);
    if (over > budget.max) {
      add(
        'budget.max',
        `${t.name} has a budget of ${usd(over)}; the ${env} policy allows at most ${usd(budget.max)}`,
      );
    }
  }
  return out;
}
