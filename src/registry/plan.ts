// Declarative setup, teardown and budget refresh, as plan-then-apply: a desired state is validated,
// diffed against the live tokens (a pure computation), and the resulting plan is checked again and
// run with bounded concurrency (plans may be hand-written or read back from JSON).
import pLimit from 'p-limit';
import { InvalidInputError } from '../core/errors.js';
import { assertFutureExpiry } from '../core/limits.js';
import type { Logger } from '../core/types.js';
import {
  addDays,
  assertObject,
  normalizeBudgetChange,
  normalizePatch,
  roundMoney,
  sameMoney,
} from './input.js';
import type { TokenWrite } from './mutations.js';
import { managedName, plainObjectProblem } from './naming.js';
import {
  checkBudget,
  checkPatch,
  type ResolvedSettings,
  resolveSettings,
  type SettingsInput,
} from './policy.js';
import { desiredTags, tagDrift } from './tags.js';
import type {
  ApplyOptions,
  ApplyResult,
  EnvironmentPolicy,
  ManagedToken,
  Plan,
  PlanAction,
} from './types.js';

// ── desired state ────────────────────────────────────────────────────────

/** One app of a desired state, validated, with the policy's defaults applied. */
export interface DesiredEntry {
  name: string;
  environment: string;
  app: string;
  settings: ResolvedSettings;
  /** Which settings the entry states itself (defaults only shape new tokens; see `plan`). */
  stated: { budget: boolean; resetPeriod: boolean; expiresInDays: boolean };
  /** The cost tags the policy gives the token (`undefined`: the policy declares none). */
  tags: Record<string, string> | undefined;
}

const SETTINGS_FIELDS = ['budget', 'expiresInDays', 'resetPeriod', 'tokenType'] as const;

/**
 * Validates a whole desired state before anything is compared: unknown environments, malformed
 * app names, unknown settings and policy violations all throw here.
 */
export function normalizeDesired(
  desired: unknown,
  policyFor: (environment: string) => EnvironmentPolicy,
  environments: readonly string[],
): DesiredEntry[] {
  assertObject(desired, 'desired state');
  assertPlain(desired, 'the desired state');
  const entries: DesiredEntry[] = [];
  for (const [environment, apps] of Object.entries(desired)) {
    const policy = policyFor(environment);
    assertObject(apps, `desired apps of "${environment}"`);
    assertPlain(apps, `the desired apps of "${environment}"`);
    for (const [app, raw] of Object.entries(apps)) {
      const name = managedName(environment, app, environments);
      const input = raw ?? {};
      assertObject(input, `settings of ${name}`, SETTINGS_FIELDS);
      entries.push({
        name,
        environment,
        app,
        settings: resolveSettings(environment, policy, input as SettingsInput),
        stated: {
          budget: input['budget'] !== undefined,
          resetPeriod: input['resetPeriod'] !== undefined,
          expiresInDays: input['expiresInDays'] !== undefined,
        },
        tags: desiredTags(policy, environment, app),
      });
    }
  }
  return entries;
}

function assertPlain(value: object, what: string): void {
  const problem = plainObjectProblem(value, what);
  if (problem) throw new InvalidInputError(problem, { field: 'desired' });
}

// ── plan ─────────────────────────────────────────────────────────────────

type Change = { field: string; from: unknown; to: unknown };
type BudgetChange = { from: number | null; to: number };

export interface PlanInput {
  entries: readonly DesiredEntry[];
  /** Current state of the desired tokens that exist (by logical name). */
  existing: ReadonlyMap<string, ManagedToken>;
  /** Logical names whose SecretStore entry exists, so `apply` can record their budget. */
  recordable: ReadonlySet<string>;
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
    const recordable = input.recordable.has(name);
    const budget = budgetChanges(changes, entry, token, input.refill, recordable);
    expiryChanges(changes, entry, token, input.policies[environment]!, input.now);
    // Tag drift: a policy tag missing or different on the key (known on v3 only).
    const tags = tagDrift(token.tags, entry.tags);
    if (tags) changes.push({ field: 'tags', from: token.tags, to: tags });
    if (changes.length > 0 || budget)
      actions.push({ type: 'update', name, environment, app, changes, ...(budget && { budget }) });
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
 * - An unlimited token gets the budget as its balance.
 * - A changed allocated budget moves the balance by the difference, so spending so far is kept
 *   (500 → 800 with 120 spent: 380 → 680), never below 0 nor above the budget. This needs a
 *   known allocation: recorded, Eden's reset amount, or the policy default when the plan can
 *   record the new one (an entry exists). Otherwise (only observed) a lower balance reads as
 *   spending; the new budget is recorded and a balance above it is lowered to it.
 * - `refill` sets any balance that differs back to the budget (the tutorial's budget refresh).
 */
function budgetChanges(
  out: Change[],
  entry: DesiredEntry,
  token: ManagedToken,
  refill: boolean,
  recordable: boolean,
): BudgetChange | undefined {
  const { budget, resetPeriod } = entry.settings;
  if (budget === undefined || !(entry.stated.budget || entry.stated.resetPeriod)) return undefined;
  if (token.balanceResetPeriod !== resetPeriod)
    out.push({ field: 'balanceResetPeriod', from: token.balanceResetPeriod, to: resetPeriod });
  const amount = resetPeriod === 'none' ? null : budget;
  if (!sameMoney(token.balanceResetAmount, amount))
    out.push({ field: 'balanceResetAmount', from: token.balanceResetAmount, to: amount });
  if (!token.activeBalance) {
    out.push({ field: 'activeBalance', from: false, to: true });
    out.push({ field: 'balance', from: token.balance, to: budget });
    return { from: null, to: budget };
  }
  const allocated = token.budget;
  const changed = allocated === null || !sameMoney(allocated, budget);
  const known =
    allocated !== null &&
    (token.budgetSource === 'recorded' ||
      token.budgetSource === 'reset-amount' ||
      (token.budgetSource === 'policy' && recordable));
  let balance: number | undefined;
  if (token.balance === null || refill) balance = budget;
  else if (changed && known)
    balance = Math.min(budget, Math.max(0, roundMoney(token.balance + budget - allocated)));
  else if (token.balance > budget + 5e-10) balance = budget;
  if (balance !== undefined && !sameMoney(token.balance, balance))
    out.push({ field: 'balance', from: token.balance, to: balance });
  // A budget that stops refilling loses Eden's copy of it: record it too.
  const record = changed || (token.budgetSource === 'reset-amount' && amount === null);
  // Recording alone is worth an action only where it can land (a fallback otherwise stays one).
  if (!record || (out.length === 0 && !recordable)) return undefined;
  return { from: allocated, to: budget };
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

// ── apply ────────────────────────────────────────────────────────────────

const TYPES = new Set(['create', 'update', 'delete']);

/** Checks a plan's shape (plans may be hand-written or read back from JSON). */
export function planActions(plan: Plan): PlanAction[] {
  assertObject(plan, 'plan');
  if (!Array.isArray(plan.actions))
    throw new InvalidInputError('Invalid plan: expected { actions: [...] }', { field: 'actions' });
  for (const action of plan.actions as unknown[]) {
    assertObject(action, 'plan action');
    if (typeof action['type'] !== 'string' || !TYPES.has(action['type'])) {
      throw new InvalidInputError('Invalid plan action type: use create, update or delete', {
        field: 'type',
      });
    }
  }
  return plan.actions;
}

/**
 * Checks every action against the policies before anything runs, so a bad plan writes nothing.
 * Returns each update's write: its patch and the budget to record.
 */
export function checkActions(
  actions: readonly PlanAction[],
  policyFor: (environment: string) => EnvironmentPolicy,
  environments: readonly string[],
  now: Date,
): Map<PlanAction, TokenWrite> {
  const writes = new Map<PlanAction, TokenWrite>();
  for (const a of actions) {
    const policy = policyFor(a.environment);
    if (a.name !== managedName(a.environment, a.app, environments)) {
      throw new InvalidInputError(`Plan action name "${a.name}" does not match ${a.environment} / ${a.app}`, {
        field: 'name',
      });
    }
    if (a.type === 'create') resolveSettings(a.environment, policy, a);
    if (a.type === 'update') {
      const budget = normalizeBudgetChange(a.budget, `budget of ${a.name}`);
      // A plan that only records a budget has no changes for Eden.
      const onlyBudget = budget !== undefined && Array.isArray(a.changes) && a.changes.length === 0;
      const patch = onlyBudget ? {} : normalizePatch(a.changes, `changes of ${a.name}`);
      checkPatch(a.environment, policy, patch, now);
      // A hand-written or stale plan may carry an expiry that has passed: Eden needs a future one.
      if (patch.expireTime) assertFutureExpiry(patch.expireTime, now);
      if (budget !== undefined) checkBudget(a.environment, policy, budget);
      const write: TokenWrite = { patch };
      if (budget !== undefined) write.budget = budget;
      else if (patch.activeBalance === false) write.budget = null;
      writes.set(a, write);
    }
  }
  return writes;
}

export function assertConcurrency(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidInputError('Invalid concurrency: expected a whole number ≥ 1', { field: 'concurrency' });
  }
}

/**
 * Runs every action with at most `concurrency` in flight. A failed action is recorded and the rest
 * go on; results keep the plan's order.
 */
export async function runActions(
  actions: readonly PlanAction[],
  run: (action: PlanAction) => Promise<ManagedToken | undefined>,
  options: ApplyOptions,
  logger: Logger,
): Promise<ApplyResult> {
  const limit = pLimit(options.concurrency ?? 4);
  const total = actions.length;
  let done = 0;
  const report = (name: string, ok: boolean) => {
    done++;
    try {
      options.onProgress?.({ done, total, name, ok });
    } catch (err) {
      // A broken progress callback must not turn a finished action into a failed one.
      logger.warn('apply: onProgress threw', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  const results = await Promise.all(
    actions.map((action) =>
      limit(async (): Promise<ApplyResult['results'][number]> => {
        try {
          const token = await run(action);
          logger.info(`apply: ${action.type} ${action.name}`, { name: action.name, type: action.type });
          report(action.name, true);
          return token ? { action, ok: true, token } : { action, ok: true };
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          logger.warn(`apply: ${action.type} ${action.name} failed: ${error.message}`, {
            name: action.name,
            type: action.type,
          });
          report(action.name, false);
          return { action, ok: false, error };
        }
      }),
    ),
  );
  const failed = results.filter((r) => !r.ok).length;
  return { results, succeeded: results.length - failed, failed };
}
