// The user's `verify` hook, run the same way by generation and native rotations.
import type { Secret } from '../core/secret.js';
import { describe, VerifyRejected } from './classify.js';
import type { RotationRun } from './run.js';

/** Calls the hook (if any) with the new value; a throw or `false` rejects the new value. */
export async function runVerifyHook(run: RotationRun, secret: Secret): Promise<void> {
  const hook = run.deps.verify;
  if (!hook) return;
  const j = run.journal;
  let ok: boolean | undefined;
  try {
    ok = await hook({ name: j.name, tokenName: j.newTokenName, generation: j.newGeneration, secret });
  } catch (error) {
    // The message is scrubbed of the value: a hook may echo it back.
    throw new VerifyRejected(`verify threw: ${describe(error, secret)}`);
  }
  if (ok === false) throw new VerifyRejected('verify returned false');
}
