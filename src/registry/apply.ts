import pLimit from 'p-limit';
import { InvalidInputError } from '../core/errors.js';
import type { Logger, Progress } from '../core/types.js';
import type { UpdateTokenInput } from '../ports/backend.js';
import { assertObject, normalizePatch } from './input.js';
import { managedName } from './managed-name.js';
import type { EnvironmentPolicy } from './policy.js';
import { checkPatch, resolveSettings } from './rules.js';
import type { ApplyResult, ManagedToken, Plan, PlanAction } from './types.js';

export interface ApplyOptions {
  /** Actions in flight at once. Default 4. */
  concurrency?: number;
  /** Called after each action, whether it succeeded or not. */
  onProgress?: (progress: Progress) => void;
}

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
 * Returns each update's patch.
 */
export function checkActions(
  actions: readonly PlanAction[],
  policyFor: (environment: string) => EnvironmentPolicy,
  environments: readonly string[],
  now: Date,
): Map<PlanAction, UpdateTokenInput> {
  const patches = new Map<PlanAction, UpdateTokenInput>();
  for (const a of actions) {
    const policy = policyFor(a.environment);
    if (a.name !== managedName(a.environment, a.app, environments)) {
      throw new InvalidInputError(`Plan action name "${a.name}" does not match ${a.environment} / ${a.app}`, {
        field: 'name',
      });
    }
    if (a.type === 'create') resolveSettings(a.environment, policy, a);
    if (a.type === 'update') {
      const patch = normalizePatch(a.changes, `changes of ${a.name}`);
      checkPatch(a.environment, policy, patch, now);
      patches.set(a, patch);
    }
  }
  return patches;
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
