// Native rotation (the v3 Management API's `rotate`): the same key gets a new value and the old
// value dies at once. Nothing is drained, created, promoted or revoked, and there is nothing to roll
// back to: the one-time value goes into the current SecretStore entry before anything else.

import { ConfigurationError, RotationInProgressError, VersionConflictError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { EdenToken } from '../ports/backend.js';
import type { Metadata } from '../ports/stores.js';
import { carriedMetadata } from '../registry/budget.js';
import type { SecretEntryMetadata } from '../registry/types.js';
import type { Journal } from './journal.js';
import { checkSecretStore, type RotationRun, runVerifyHook, UnreadableValue, VerifyRejected } from './run.js';
import type { RotationStep } from './types.js';

const ORDER: readonly RotationStep[] = ['snapshot', 'rotate', 'verify', 'finish'];

/** Whether the new value is in the current entry (the old one is dead): from here on, no rollback. */
export function nativeValueStored(j: Journal): boolean {
  const at = ORDER.indexOf(j.step);
  return at > ORDER.indexOf('rotate') || (j.step === 'rotate' && j.stepState === 'done');
}

function nextStep(j: Journal): RotationStep {
  if (j.stepState === 'started') return j.step;
  return ORDER[ORDER.indexOf(j.step) + 1] ?? 'finish';
}

/** Runs a native rotation to `completed`. */
export async function forwardNative(run: RotationRun): Promise<void> {
  for (;;) {
    if (run.journal.status !== 'running') return;
    const step = nextStep(run.journal);
    if (step === 'rotate') await rotateStep(run);
    else if (step === 'verify') await verifyStep(run);
    else await finishStep(run);
  }
}

/** The new value's entry metadata; the allocated budget is carried over from the entry it replaces. */
function metadataOf(j: Journal, previous: Metadata | undefined): SecretEntryMetadata {
  return {
    ...carriedMetadata(previous),
    tokenName: j.newTokenName,
    generation: j.newGeneration,
    rotationId: j.rotationId,
  };
}

/**
 * Rotates the key and stores its new value in the current entry (compare-and-set on the version
 * read before the call). Idempotent: an entry that already carries this rotation id means a
 * previous attempt stored its value; otherwise (lost answer, crash) the key is rotated again,
 * which is the only way to get a value on v3 (reads never return one).
 */
async function rotateStep(run: RotationRun): Promise<void> {
  // Intent first (journaled before the call is sent). Already started: a previous attempt's rotate
  // may have landed and killed the value the current entry holds.
  run.memo.mayHaveRotated = await run.begin('rotate');
  await checkSecretStore(run);
  const j = run.journal;
  const { backend, secrets } = run.deps;
  const current = await secrets.get(j.secretRef);
  if (current?.metadata?.['rotationId'] === j.rotationId) {
    run.memo.secret = current.value;
    await run.done('rotate', { fingerprint: current.value.fingerprint });
    return;
  }
  if (typeof backend.rotate !== 'function')
    throw new ConfigurationError(
      `the backend has no native rotate, but the rotation of ${j.name} was started with one; use the same backend to resume it`,
    );
  const token = await backend.rotate(j.oldTokenName, run.requestOptions);
  // Landed: the value the entry holds is dead, so whatever fails from here, "nothing changed" is false.
  run.memo.mayHaveRotated = true;
  // The one-time value, into the current entry before anything else but the fence (a holder that
  // lost its lock stores nothing: the holder that took over rotates again).
  try {
    await run.fence();
    await secrets.set(j.secretRef, token.secret, {
      ifVersion: current?.version ?? null,
      metadata: metadataOf(j, current?.metadata),
    });
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    await settleConflict(run, token);
  }
  run.memo.secret = token.secret;
  run.memo.newToken = token;
  await run.done('rotate', { fingerprint: token.secret.fingerprint });
}

/**
 * Someone wrote the entry between our read and our write: another holder of this rotation (our
 * lease passed) that rotated again, so our value is normally dead and we stop, touching nothing.
 * One exception is decidable: the key's displayed tail (`last4` / `masked`) shows that OUR value
 * is the live one and the stored one is not (a stalled holder wrote a value our rotate killed).
 */
async function settleConflict(run: RotationRun, token: EdenToken & { secret: Secret }): Promise<void> {
  const j = run.journal;
  const { secrets } = run.deps;
  const stored = await secrets.get(j.secretRef);
  const live = await run.find(j.oldTokenName);
  const ours = shows(live, token.secret);
  const theirs = stored ? shows(live, stored.value) : false;
  if (ours === true && theirs === false) {
    run.deps.logger.warn(`rotation ${j.name}: the stored value is dead; storing the live one`, {
      name: j.name,
      rotationId: j.rotationId,
    });
    await run.fence();
    await secrets.set(j.secretRef, token.secret, {
      ifVersion: stored?.version ?? null,
      metadata: metadataOf(j, stored?.metadata),
    });
    return;
  }
  throw new RotationInProgressError(j.name, j.rotationId);
}

/** Whether `token`'s displayed tail is `secret`'s; `undefined` when the backend shows none. */
function shows(token: EdenToken | undefined, secret: Secret): boolean | undefined {
  const tail = token?.last4 ?? token?.masked?.slice(-4);
  if (!tail || tail.length < 4) return undefined;
  return secret.reveal().endsWith(tail);
}

/** The built-in check (same key, type and budget mode, not expired, holds the stored value), then the hook. */
async function verifyStep(run: RotationRun): Promise<void> {
  await run.begin('verify');
  const j = run.journal;
  let secret = run.memo.secret;
  if (!secret) {
    const entry = await run.deps.secrets.get(j.secretRef);
    if (entry?.metadata?.['rotationId'] === j.rotationId) secret = entry.value;
  }
  if (!secret)
    throw new UnreadableValue(`the current entry ${j.secretRef} no longer holds this rotation's value`);
  const token = run.memo.newToken ?? (await run.lookup(j.newTokenName));
  const problem = checkKey(run, token, secret);
  if (problem) throw new VerifyRejected(`${j.newTokenName} ${problem}`);
  await runVerifyHook(run, secret);
  await run.done('verify');
}

function checkKey(run: RotationRun, token: EdenToken, secret: Secret): string | undefined {
  const j = run.journal;
  if (token.name !== j.newTokenName) return `is reported as ${token.name}`;
  if (token.tokenType !== j.tokenType) return `is a ${token.tokenType}, expected ${j.tokenType}`;
  if (token.activeBalance !== j.budgeted)
    return token.activeBalance ? 'has a balance limit; it had none' : 'lost its balance limit';
  if (token.expireTime && token.expireTime.getTime() <= run.deps.clock().getTime())
    return 'has already expired';
  if (shows(token, secret) === false) return `does not hold the value stored at ${j.secretRef}`;
  return undefined;
}

/** Sets the planned expiry when it differs from the key's (idempotent), and completes. */
async function finishStep(run: RotationRun): Promise<void> {
  await run.begin('finish');
  const j = run.journal;
  if (j.newExpireTime !== (j.oldExpireTime ?? null)) {
    const expireTime = j.newExpireTime === null ? null : new Date(j.newExpireTime);
    await run.deps.backend.update(j.newTokenName, { expireTime }, run.requestOptions);
  }
  // The rotate revoked the old value: stores that keep history drop it too.
  await run.forgetPrevious();
  await run.done('finish', { status: 'completed', error: null });
}
