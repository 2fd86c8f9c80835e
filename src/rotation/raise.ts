// Raising a balance exactly once. Eden can only SET a balance, so "add L" is read-then-set; the
// target is journaled before the PATCH, and a re-run decides from the live balance whether the
// PATCH landed. When in doubt it does not raise: a crash may lose budget, never add any.

import { fromNanos, toNanos } from '../core/money.js';
import type { EdenToken, UpdateTokenInput } from '../ports/backend.js';
import type { PendingRaise } from './journal.js';
import type { RotationRun } from './run.js';

/** Returns the balance to set (nano-dollars), or `null` for "nothing to do". */
export type RaiseDecision = (current: EdenToken) => number | null;

export async function raiseOnce(
  run: RotationRun,
  tokenName: string,
  decide: RaiseDecision,
  restoreReset = false,
): Promise<void> {
  const journaled = run.journal.raise;
  if (journaled?.tokenName === tokenName && journaled.done) return;
  const current = await run.find(tokenName);
  if (!current) return void (await run.save({ raise: finished(tokenName, 0, 0, restoreReset) }));
  const nowNano = toNanos(current.balance);
  let pending: PendingRaise;
  if (journaled?.tokenName === tokenName) {
    // A previous attempt journaled this raise: did its PATCH land?
    const verdict = landed(run, journaled, current, nowNano);
    if (verdict !== 'no') {
      if (verdict === 'unsure') {
        run.deps.logger.warn(
          `rotation ${run.journal.name}: cannot tell whether the raise of ${tokenName} landed; not raising again`,
          { name: run.journal.name, rotationId: run.journal.rotationId, tokenName },
        );
      }
      return void (await run.save({ raise: { ...journaled, done: true } }));
    }
    // Not landed: add the same amount to what it holds now (it may have spent since).
    pending = {
      ...journaled,
      fromNanos: nowNano,
      toNanos: nowNano + (journaled.toNanos - journaled.fromNanos),
    };
    if (nowNano !== journaled.fromNanos) await run.save({ raise: pending });
  } else {
    const target = decide(current);
    if (target === null)
      return void (await run.save({ raise: finished(tokenName, nowNano, nowNano, restoreReset) }));
    pending = { tokenName, fromNanos: nowNano, toNanos: target, restoreReset, done: false };
    await run.save({ raise: pending });
  }
  await run.deps.backend.update(tokenName, raisePatch(run, pending), run.requestOptions);
  await run.save({ raise: { ...pending, done: true } });
}

/**
 * Whether a journaled raise's PATCH landed. A restored reset period (sent in the same PATCH) says
 * so for sure; otherwise the balance does: above where it started → yes; unchanged → no; below
 * (spent since) → unsure, treated as "yes", the answer that cannot add budget.
 */
function landed(
  run: RotationRun,
  raise: PendingRaise,
  current: EdenToken,
  nowNano: number,
): 'yes' | 'no' | 'unsure' {
  const period = run.journal.oldResetPeriod;
  if (raise.restoreReset && period !== 'none' && run.journal.oldResetAmount !== null) {
    return current.balanceResetPeriod === period ? 'yes' : 'no';
  }
  if (nowNano === raise.fromNanos) return 'no';
  return nowNano > raise.fromNanos ? 'yes' : 'unsure';
}

function raisePatch(run: RotationRun, raise: PendingRaise): UpdateTokenInput {
  const patch: UpdateTokenInput = { balance: fromNanos(raise.toNanos), activeBalance: true };
  const { oldResetPeriod, oldResetAmount } = run.journal;
  if (raise.restoreReset && oldResetPeriod !== 'none' && oldResetAmount !== null) {
    patch.balanceResetPeriod = oldResetPeriod;
    patch.balanceResetAmount = oldResetAmount;
  }
  return patch;
}

function finished(
  tokenName: string,
  fromNanos: number,
  toNanos: number,
  restoreReset: boolean,
): PendingRaise {
  return { tokenName, fromNanos, toNanos, restoreReset, done: true };
}
