import type { DesiredEntry } from './desired.js';
import { addDays, sameMoney } from './input.js';
import type { EnvironmentPolicy } from './policy.js';
import type { ManagedToken, PlanAction } from './types.js';

type Change = { field: string; from: unknown; to: unknown };

export interface PlanInput {
  entries: readonly DesiredEntry[];
  /** Current state of the desired tokens that exist (by logical name). */
  existing: ReadonlyMap<string, ManagedToken>;
  /** Every managed logical token of the environments `desired` names (for prune). */
  inNamedEnvironments: readonly { logicalName: string; environment: string; app: string }[];
  policies: Readonly<Record<string, EnvironmentPolicy>>;
  prune: boolean;
  refill: boolean;
  now: Date;
}

const ORDER = { create: 0, update: 1, delete: 2 } as const;

/** Pure diff: desired entries against the current tokens. O(n) with maps, no I/O. */
export function computePlan(input: PlanInput): PlanAction[] {
  const actions: PlanAction[] = [];
  const wanted = new Set<string>();
  for (const entry of input.entries) {
    wanted.add(entry.name);
    const token = input.existing.get(entry.name);
    const { name, environment, app, settings } = entry;
    if (!token) {
      actions.push({
        type: 'create',
        name,
        environment,
        app,
        // The period travels with the budget, so an explicit 'none' is not replaced by the policy's.
        ...(settings.budget !== undefined && { budget: settings.budget, resetPeriod: settings.resetPeriod }),
        ...(settings.expiresInDays !== undefined && { expiresInDays: settings.expiresInDays }),
      });
      continue;
    }
    const changes: Change[] = [];
    budgetChanges(changes, entry, token, input.refill);
    expiryChanges(changes, entry, token, input.policies[environment]!, input.now);
    if (changes.length > 0) actions.push({ type: 'update', name, environment, app, changes });
  }
  if (input.prune) {
    for (const t of input.inNamedEnvironments) {
      if (!wanted.has(t.logicalName))
        actions.push({ type: 'delete', name: t.logicalName, environment: t.environment, app: t.app });
    }
  }
  return actions.sort(
    (a, b) => ORDER[a.type] - ORDER[b.type] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/**
 * Budget drift, compared only when the entry states `budget` or `resetPeriod` (a policy default
 * shapes new tokens; it does not overwrite budgets set since). The target is the entry's budget
 * (else the policy default) and its reset period (else the policy's).
 * - The reset period and reset amount (the budget when a period applies, else none) must match.
 * - An unlimited token gets the budget as its balance; a balance above the budget is lowered to
 *   it. A balance below it is spending, not drift (with a period, Eden refills it).
 * - `refill` also sets any balance that differs back to the budget (the tutorial's budget refresh).
 */
function budgetChanges(out: Change[], entry: DesiredEntry, token: ManagedToken, refill: boolean): void {
  const { budget, resetPeriod } = entry.settings;
  if (budget === undefined || !(entry.stated.budget || entry.stated.resetPeriod)) return;
  if (token.balanceResetPeriod !== resetPeriod)
    out.push({ field: 'balanceResetPeriod', from: token.balanceResetPeriod, to: resetPeriod });
  const amount = resetPeriod === 'none' ? null : budget;
  if (!sameMoney(token.balanceResetAmount, amount))
    out.push({ field: 'balanceResetAmount', from: token.balanceResetAmount, to: amount });
  if (!token.activeBalance) {
    out.push({ field: 'activeBalance', from: false, to: true });
    out.push({ field: 'balance', from: token.balance, to: budget });
  } else if (
    token.balance === null ||
    (refill && !sameMoney(token.balance, budget)) ||
    token.balance > budget + 5e-10
  ) {
    out.push({ field: 'balance', from: token.balance, to: budget });
  }
}

/**
 * Expiry drift: a token without an expiry gets one when the entry states `expiresInDays` or the
 * policy requires an expiry; an expired token is renewed. A live expiry is otherwise left alone
 * (re-planning must not push every expiry forward).
 */
function expiryChanges(
  out: Change[],
  entry: DesiredEntry,
  token: ManagedToken,
  policy: EnvironmentPolicy,
  now: Date,
): void {
  const days = entry.settings.expiresInDays;
  if (days === undefined) return;
  const missing = token.expireTime === null && (entry.stated.expiresInDays || policy.expiry?.required);
  const expired = token.expireTime !== null && token.expireTime.getTime() <= now.getTime();
  if (missing || expired) out.push({ field: 'expireTime', from: token.expireTime, to: addDays(now, days) });
}
