// 8. finish: revoke the old generation and give what it had left to the new one. Runs in
// finalize() after the grace deadline, or at once when there is no grace period.
//
// The old generation is DELETED before the new one is raised (deleting is the ultimate "lower
// first"), rather than lowered to 0 and deleted after: a delete is decidable after a crash or a
// lost answer (the token is there or not), a lowering to 0 is not (0 could be "lowered" or
// "spent"), and it saves a request.
import { toNanos } from '../core/money.js';
import { raiseOnce } from './raise.js';
import type { RotationRun } from './run.js';

export async function finish(run: RotationRun): Promise<void> {
  await run.begin('finish');
  let j = run.journal;
  if (!j.oldDeleted) {
    const carries = j.budgeted && j.allowanceCents > 0;
    const old = carries ? await run.find(j.oldTokenName) : undefined;
    // Read just before the delete (again after a crash: while it exists, its balance is exact).
    // Journaled before the delete: once the old generation is gone, nothing else remembers it.
    if (old) await run.save({ leftoverNano: Math.max(0, toNanos(old.balance)) });
    else if (j.leftoverNano === null) await run.save({ leftoverNano: 0 });
    await run.remove(j.oldTokenName);
    await run.save({ oldDeleted: true });
    j = run.journal;
  }
  const leftover = j.leftoverNano ?? 0;
  if (j.budgeted && leftover > 0)
    await raiseOnce(run, j.newTokenName, (current) => toNanos(current.balance) + leftover);
  await run.deps.secrets.delete(run.pendingRef);
  await run.done('finish', { status: 'completed', error: null });
}
