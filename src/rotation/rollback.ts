// Abandoning a rotation before promote: the new generation is revoked FIRST, then the old one gets
// back what was carved out of it, so the two never hold more than the old balance together.
import { toNanos } from '../core/money.js';
import { raiseOnce } from './raise.js';
import type { RotationRun } from './run.js';

const ORDER = ['snapshot', 'drain', 'create', 'read', 'verify', 'promote'] as const;

/** Whether the drain may have run: the journal got at least as far as starting it. */
function drainMayHaveRun(run: RotationRun): boolean {
  const j = run.journal;
  return j.created || ORDER.indexOf(j.step as (typeof ORDER)[number]) >= ORDER.indexOf('drain');
}

export async function rollback(run: RotationRun, reason: string): Promise<void> {
  let j = run.journal;
  if (j.status !== 'rollingBack') {
    const drained = drainMayHaveRun(run);
    await run.save({ status: 'rollingBack', rollbackReason: reason, restoreOld: drained });
  }
  await run.begin('rollback');
  const { secrets } = run.deps;
  await secrets.delete(run.pendingRef);
  j = run.journal;
  if (j.created && !j.newDeleted) {
    if (j.newLeftoverNano === null) {
      const fresh = await run.find(j.newTokenName);
      await run.save({ newLeftoverNano: fresh ? Math.max(0, toNanos(fresh.balance)) : 0 });
    }
    await run.remove(run.journal.newTokenName);
    await run.save({ newDeleted: true });
  }
  j = run.journal;
  if (j.budgeted && j.restoreOld) {
    const allowanceNano = j.allowanceCents * 1e7;
    // What was carved out of the old generation: what the new one still held (never more than
    // was carved out), or all of it if the new one was never created.
    const carved = (j.balanceCents - j.allowanceCents) * 1e7;
    const give = j.created ? Math.min(j.newLeftoverNano ?? 0, carved) : carved;
    await raiseOnce(
      run,
      j.oldTokenName,
      // Above the allowance the drain never landed: nothing to give back. At or below it, adding
      // `give` cannot exceed the old balance.
      (old) => {
        const now = toNanos(old.balance);
        if (now > allowanceNano)
          return j.oldResetPeriod !== 'none' && old.balanceResetPeriod === 'none' ? now : null;
        return now + give;
      },
      true,
    );
  }
  await run.done('rollback', { status: 'rolledBack' });
}
