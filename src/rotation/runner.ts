// Drives a journaled rotation forward from wherever it stands, and turns failures into either a
// rollback (definitive) or a paused journal that resume() continues (transient).
import { RotationError, RotationInProgressError, VersionConflictError } from '../core/errors.js';
import { type Journal, modeOf, toResult } from './journal.js';
import { forwardNative, nativeValueStored } from './native.js';
import { describe, isDefinitive, type RotationRun } from './run.js';
import { create, drain, finish, promote, read, rollback, verify } from './steps.js';
import type { RotationResult, RotationStep } from './types.js';

const FORWARD: readonly RotationStep[] = ['snapshot', 'drain', 'create', 'read', 'verify', 'promote'];

/** The step to run next: the one a previous process started, or the one after the last done. */
function nextStep(j: Journal): RotationStep {
  if (j.stepState === 'started') return j.step;
  return FORWARD[FORWARD.indexOf(j.step) + 1] ?? 'promote';
}

/** Runs the steps up to `grace` (promote). */
async function forward(run: RotationRun): Promise<void> {
  for (;;) {
    const j = run.journal;
    if (j.status !== 'running') return;
    switch (nextStep(j)) {
      case 'drain':
        await drain(run);
        break;
      case 'create':
        await create(run);
        break;
      case 'read':
        await read(run);
        break;
      case 'verify':
        await verify(run);
        break;
      default:
        await promote(run, j.gracePeriodMs);
    }
  }
}

/**
 * Continues `run` until it is in its grace period, or completed when `finishNow` (no grace period,
 * or finalize). Always releases the lock. Throws `RotationError` on failure.
 */
export async function drive(run: RotationRun, finishNow: boolean): Promise<RotationResult> {
  try {
    if (run.resumed) await run.claim();
    if (run.journal.status === 'failed') await run.save({ status: 'running', error: null });
    if (run.journal.status === 'rollingBack') {
      await rollback(run, run.journal.rollbackReason ?? 'resumed');
      throw rolledBackError(
        run,
        run.journal.error?.step ?? 'rollback',
        run.journal.rollbackReason ?? '',
        undefined,
      );
    }
    if (modeOf(run.journal) === 'native') await forwardNative(run);
    else await forward(run);
    if (finishNow && run.journal.status === 'grace') await finish(run);
    const result = toResult(run.journal);
    run.deps.emitter.emit('rotation.succeeded', result);
    run.deps.logger.info(`rotated ${result.name} to ${result.newTokenName} (${result.status})`, {
      name: result.name,
      rotationId: result.rotationId,
      status: result.status,
    });
    return result;
  } catch (error) {
    if (error instanceof RotationError) throw error;
    throw await onFailure(run, error);
  } finally {
    await run.lock.release().catch(() => {});
  }
}

/**
 * A definitive failure of a native rotation, which cannot be rolled back: after the new value was
 * stored it stays (completed, error recorded); before, nothing changed (rolled back, in effect),
 * unless a previous attempt's rotate may have landed: then only another rotate helps (`undefined`:
 * paused for resume()).
 */
async function nativeEnd(
  run: RotationRun,
  record: { step: RotationStep; message: string; at: string },
  where: string,
  cause: unknown,
): Promise<RotationError | undefined> {
  const j = run.journal;
  const error = { ...record, resumable: false };
  if (nativeValueStored(j)) {
    await bestEffort(run, { status: 'completed', error });
    return failed(
      run,
      record.step,
      `${where} failed at step "${record.step}": ${record.message}. Not rolled back (a native rotation cannot be): ${j.newTokenName} has its new value, stored at ${j.secretRef}, and the old value no longer works.`,
      false,
      false,
      cause,
    );
  }
  if (run.memo.mayHaveRotated) return undefined;
  await bestEffort(run, { status: 'rolledBack', rollbackReason: record.message, error });
  return failed(
    run,
    record.step,
    `Rotation of ${j.name} failed at step "${record.step}": ${record.message}. Nothing changed: ${j.oldTokenName} keeps its current value.`,
    false,
    true,
    cause,
  );
}

async function onFailure(run: RotationRun, error: unknown): Promise<RotationError> {
  const j = run.journal;
  const step = run.attempting ?? j.step;
  const native = modeOf(j) === 'native';
  let message = describe(error, run.memo.secret);
  // Native, before the value was stored: the rotate may have landed with its answer lost.
  if (native && j.status === 'running' && step === 'rotate' && !nativeValueStored(j))
    message += `; ${j.secretRef} may hold a dead value until resume() rotates ${j.oldTokenName} again`;
  const where = native
    ? `Native rotation of ${j.name} (${j.oldTokenName})`
    : `Rotation of ${j.name} (${j.oldTokenName} → ${j.newTokenName})`;
  // We lost the lock (our lease passed and another process took over): touch nothing more.
  const tookOver = (cause: unknown) =>
    failed(
      run,
      step,
      `${where} stopped at step "${step}": another process took over its lock`,
      true,
      false,
      cause,
    );
  if (error instanceof RotationInProgressError) return tookOver(error);
  // A store write refused by version: fenced out by a holder that took over, or another writer?
  if (error instanceof VersionConflictError) {
    const lost = await run.fence().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (lost instanceof RotationInProgressError) return tookOver(error);
  }
  const record = { step, message, at: run.deps.clock().toISOString() };
  if (native && j.status === 'running' && isDefinitive(error)) {
    const ended = await nativeEnd(
      run,
      { ...record, message: describe(error, run.memo.secret) },
      where,
      error,
    );
    if (ended) return ended;
  } else if (j.status === 'running' && isDefinitive(error)) {
    try {
      await rollback(run, message);
      await run.save({ error: { ...record, resumable: false } });
    } catch (rollbackError) {
      // The failure itself may come from the takeover (the new holder already changed Eden).
      if (rollbackError instanceof RotationInProgressError) return tookOver(rollbackError);
      const why = describe(rollbackError, run.memo.secret);
      await bestEffort(run, {
        error: { ...record, message: `${message}; rollback failed: ${why}`, resumable: true },
      });
      return failed(
        run,
        'rollback',
        `${where} failed at step "${step}" (${message}) and its rollback failed too (${why}); call resume() to finish the rollback`,
        true,
        false,
        rollbackError,
      );
    }
    return rolledBackError(run, step, message, error);
  }
  const paused: Partial<Journal> = { error: { ...record, resumable: true } };
  if (j.status === 'running') paused.status = 'failed';
  await bestEffort(run, paused);
  const next =
    j.status === 'grace'
      ? 'call finalize() to retry'
      : j.status === 'rollingBack'
        ? 'call resume() to finish the rollback'
        : 'call resume() to continue';
  return failed(run, step, `${where} paused at step "${step}": ${message}; ${next}`, true, false, error);
}

function rolledBackError(
  run: RotationRun,
  step: RotationStep,
  message: string,
  cause: unknown,
): RotationError {
  const j = run.journal;
  // Claims only what the rollback saw: a generation it never found was never created.
  const fate = j.created ? 'was revoked' : 'was never created';
  return failed(
    run,
    step,
    `Rotation of ${j.name} failed at step "${step}": ${message}. Rolled back: ${j.oldTokenName} is still current and ${j.newTokenName} ${fate}.`,
    false,
    true,
    cause,
  );
}

function failed(
  run: RotationRun,
  step: RotationStep,
  message: string,
  resumable: boolean,
  rolledBack: boolean,
  cause: unknown,
): RotationError {
  const j = run.journal;
  run.deps.logger.error(message, { name: j.name, rotationId: j.rotationId, step, resumable });
  run.deps.emitter.emit('rotation.failed', {
    name: j.name,
    rotationId: j.rotationId,
    step,
    message,
    resumable,
    rolledBack,
  });
  return new RotationError(message, { tokenName: j.name, step, resumable, cause });
}

/** Journals a failure if the store still answers (after a crash of our own it may not). */
async function bestEffort(run: RotationRun, patch: Partial<Journal>): Promise<void> {
  try {
    await run.save(patch);
  } catch {
    run.deps.logger.warn(`could not journal the failure of ${run.journal.name}`, {
      name: run.journal.name,
      rotationId: run.journal.rotationId,
    });
  }
}
