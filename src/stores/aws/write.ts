// The three writes of AwsSecretsManagerStore: create-only, compare-and-set, unconditional.
//
// Compare-and-set: Secrets Manager has no conditional PutSecretValue, but it has staging labels,
// and `UpdateSecretVersionStage` refuses to move AWSCURRENT unless `RemoveFromVersionId` names the
// version that holds it. So a CAS write (1) reads the current version (a cheap early conflict, and
// no orphan version in the common case), (2) writes the new version labelled AWSPENDING, which no
// reader sees, then (3) moves AWSCURRENT from the expected version to the new one. Step 3 is the
// atomic check: of two writers that both passed step 1, AWS lets exactly one move the label.
// The loser's version keeps no AWSCURRENT label, so it is never read (AWS prunes unlabelled
// versions); AWSPENDING stays on the newest pending version until the next write moves it.
//
// Idempotency: every write carries a `ClientRequestToken` (it becomes the VersionId). The SDK's own
// retries resend the same token, and AWS ignores a repeated token with the same value, so a retried
// write never creates a second version. A retried label move that had already succeeded is
// recognised by reading where AWSCURRENT is now.
import { VersionConflictError } from '../../core/errors.js';
import type { SecretsApi } from './api.js';
import { awsErrorName, toStoreError } from './errors.js';

export interface Write {
  api: SecretsApi;
  key: string;
  name: string;
  text: string;
  /** Client request token = the new VersionId. */
  token: string;
}

/** `ifVersion: null`: CreateSecret, which AWS refuses when the name exists. */
export async function createOnly(w: Write): Promise<string> {
  try {
    return await w.api.create(w.name, w.text, w.token);
  } catch (error) {
    const kind = awsErrorName(error);
    if (kind !== 'ResourceExistsException' && kind !== 'InvalidRequestException')
      throw toStoreError(error, 'CreateSecret', w.key);
    const state = await w.api.describe(w.name, w.key);
    if (state?.current === w.token && !state.deleted) return w.token; // our own create, whose answer was lost
    // Scheduled for deletion: absent for readers, but the name is taken. Bring it back and write
    // over it, moving AWSCURRENT from the version seen while it was deleted (so a concurrent
    // creator that got there first makes us conflict).
    if (state?.deleted && state.current) {
      await w.api.restore(w.name, w.key);
      return casPut(w, state.current, null);
    }
    if (kind === 'ResourceExistsException' && state && !state.deleted)
      throw new VersionConflictError(w.key, null, state.current ?? null);
    throw toStoreError(error, 'CreateSecret', w.key);
  }
}

/** `ifVersion: '<VersionId>'`: write pending, then move AWSCURRENT only if it is still on `expected`. */
export async function compareAndSet(w: Write, expected: string): Promise<string> {
  const state = await w.api.describe(w.name, w.key);
  const actual = state && !state.deleted ? (state.current ?? null) : null;
  if (actual !== expected) throw new VersionConflictError(w.key, expected, actual);
  return casPut(w, expected, expected);
}

/** No condition: PutSecretValue, creating (or restoring) the secret when needed. */
export async function putAnyway(w: Write): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await w.api.put(w.name, w.text, w.token, false);
    } catch (error) {
      const kind = awsErrorName(error);
      if (attempt >= 2 || (kind !== 'ResourceNotFoundException' && kind !== 'InvalidRequestException'))
        throw toStoreError(error, 'PutSecretValue', w.key);
      if (kind === 'InvalidRequestException') {
        if (!(await w.api.describe(w.name, w.key))?.deleted)
          throw toStoreError(error, 'PutSecretValue', w.key);
        await w.api.restore(w.name, w.key);
        continue;
      }
    }
    try {
      return await w.api.create(w.name, w.text, w.token);
    } catch (error) {
      // Someone created it between our put and create: put again.
      if (awsErrorName(error) !== 'ResourceExistsException') throw toStoreError(error, 'CreateSecret', w.key);
    }
  }
}

/** Writes `w.token` as AWSPENDING, then moves AWSCURRENT to it from `from`. */
async function casPut(w: Write, from: string, expected: string | null): Promise<string> {
  try {
    await w.api.put(w.name, w.text, w.token, true);
  } catch (error) {
    const kind = awsErrorName(error);
    if (kind === 'ResourceNotFoundException') throw new VersionConflictError(w.key, expected, null);
    throw toStoreError(error, 'PutSecretValue', w.key);
  }
  try {
    await w.api.promote(w.name, w.token, from);
    return w.token;
  } catch (error) {
    const kind = awsErrorName(error);
    if (
      kind !== 'InvalidParameterException' &&
      kind !== 'InvalidRequestException' &&
      kind !== 'ResourceNotFoundException'
    )
      throw toStoreError(error, 'UpdateSecretVersionStage', w.key);
    const state = await w.api.describe(w.name, w.key);
    if (state?.current === w.token && !state.deleted) return w.token; // a retried move that had succeeded
    throw new VersionConflictError(w.key, expected, state && !state.deleted ? (state.current ?? null) : null);
  }
}
