// 8. finish: move what the old generation has left to the new one (lower first, then raise),
// then revoke the old generation. Runs in finalize() after the grace deadline, or at once
// when there is no grace period.
import { NotFoundError } from '../core/errors.js';
import { toNano } from './money.js';
import { raiseOnce } from './raise.js';
import type { RotationRun } from './run.js';

export async function finish(run: RotationRun): Promise<void> {
  const uncertain = await run.begin('finish');
  const { backend } = run.deps;
  let j = run.journal;
  if (j.budgeted && j.allowanceCents > 0) {
    if (j.leftoverNano === null || (uncertain && !j.oldZeroed)) {
      const old = await run.find(j.oldTokenName);
      const now = old ? Math.max(0, toNano(old.balance)) : 0;
      // Journaled before the old generation is lowered: after that, its balance says nothing.
      // Re-read after a crash, it can only go down (spent since, or already lowered: a crash may
      // lose the leftover, never move more than the old generation still had).
      const leftoverNano = j.leftoverNano === null ? now : Math.min(j.leftoverNano, now);
      await run.save({ leftoverNano, oldZeroed: !old });
      j = run.journal;
    }
    const leftover = j.leftoverNano ?? 0;
    if (leftover > 0) {
      if (!j.oldZeroed) {
        try {
          await backend.update(j.oldTokenName, { balance: 0, activeBalance: true }, run.requestOptions);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
        }
        await run.save({ oldZeroed: true });
      }
      await raiseOnce(run, j.newTokenName, (current) => toNano(current.balance) + leftover);
    }
  }
  await run.remove(run.journal.oldTokenName);
  await run.deps.secrets.delete(run.pendingRef);
  await run.done('finish', { status: 'completed', error: null });
}
