// The steps of a generation rotation: forward (drain, create, read, verify, promote), then finish
// (after the grace period) or rollback (when abandoned). Each is idempotent: when the journal says a
// previous process started it (`uncertain`), it first checks the backend's actual state instead of
// acting blindly. Amounts are compared exactly, in nano-dollars.
import { APIError, VersionConflictError } from '../core/errors.js';
import { fromCents, toCents, toNanos } from '../core/money.js';
import type { Secret } from '../core/secret.js';
import type { CreateTokenInput, EdenToken, UpdateTokenInput } from '../ports/backend.js';
import { carriedMetadata } from '../registry/budget.js';
import { formatTokenName } from '../registry/naming.js';
import type { SecretEntryMetadata } from '../registry/types.js';
import {
  checkSecretStore,
  describe,
  isDefinitive,
  type RotationRun,
  raiseOnce,
  runVerifyHook,
  UnreadableValue,
  VerifyRejected,
} from './run.js';

/** How often an unreadable new generation may be discarded and created again (a lost v3 create). */
const MAX_RECREATIONS = 1;
const NANOS_PER_CENT = 1e7;

/** True when `usd` is at most `cents`. */
function atMostCents(usd: number | null, cents: number): boolean {
  return toNanos(usd) <= cents * NANOS_PER_CENT;
}

/** True when `usd` equals `cents` to within half a cent. */
function aboutCents(usd: number | null, cents: number): boolean {
  return Math.abs(toNanos(usd) - cents * NANOS_PER_CENT) < NANOS_PER_CENT / 2;
}

/** 3. Lower the old generation to the grace allowance BEFORE anything is raised. */
export async function drain(run: RotationRun): Promise<void> {
  const uncertain = await run.begin('drain');
  await checkSecretStore(run);
  const j = run.journal;
  if (j.budgeted) {
    let needed = true;
    if (uncertain || run.resumed) {
      // Gone (404): a definitive failure. Never drained on the old snapshot instead: its split
      // would give back what was spent since.
      const old = await run.lookup(j.oldTokenName);
      // Did a previous attempt's PATCH land? A periodic token says so for sure (the drain turned its
      // period off); otherwise a balance at or below the allowance says yes (a "no" would need
      // the old generation to have spent 90 % of its budget since: documented residual risk).
      if (uncertain) {
        needed =
          j.oldResetPeriod !== 'none'
            ? old.balanceResetPeriod !== 'none'
            : !atMostCents(old.balance, j.allowanceCents);
      }
      // Not drained yet, and the snapshot may be old (the rotation paused or its process died):
      // split what the old generation holds NOW.
      if (needed) await resplit(run, old.balance);
    }
    // Unknown to the backend: `update` throws NotFoundError, a definitive failure.
    if (needed) await run.deps.backend.update(j.oldTokenName, drainPatch(run), run.requestOptions);
  }
  await run.done('drain');
}

/** Re-bases the split on the old generation's current balance, keeping the allowance (capped). */
async function resplit(run: RotationRun, balance: number | null): Promise<void> {
  const j = run.journal;
  const balanceCents = toCents(balance);
  if (balanceCents === j.balanceCents) return;
  const allowanceCents = Math.min(j.allowanceCents, balanceCents);
  run.deps.logger.info(`rotation ${j.name}: balance changed since the snapshot; splitting the current one`, {
    name: j.name,
    rotationId: j.rotationId,
  });
  await run.save({
    oldBalance: balance,
    balanceCents,
    allowanceCents,
    newBalanceCents: balanceCents - allowanceCents,
  });
}

function drainPatch(run: RotationRun): UpdateTokenInput {
  const j = run.journal;
  // The reset period goes too: a refill during the grace period would add budget.
  const patch: UpdateTokenInput = { balance: fromCents(j.allowanceCents), activeBalance: true };
  if (j.oldResetPeriod !== 'none') patch.balanceResetPeriod = 'none';
  return patch;
}

/** 4. Create the new generation, already funded with the balance minus the allowance. */
export async function create(run: RotationRun): Promise<void> {
  const uncertain = await run.begin('create');
  const j = run.journal;
  let token: EdenToken | undefined;
  // A previous process may have created it (its answer lost with it): adopt it by name.
  if (uncertain) token = await run.find(j.newTokenName);
  if (!token) {
    try {
      token = await run.deps.backend.create(createInput(run), run.requestOptions);
    } catch (error) {
      // A taken name (v2: 400, v3: 409) after our own uncertain create: the journal reserved it.
      if (!(uncertain && error instanceof APIError && error.code === 'name_taken')) {
        // Refused: this create did not happen (a lookup proved any earlier one absent). A rollback
        // then leaves alone a token of that name: it is not ours.
        if (isDefinitive(error)) run.memo.createRefused = true;
        throw error;
      }
      token = await run.lookup(j.newTokenName);
    }
  }
  run.memo.newToken = token;
  // A backend that hands the value over only now (v3): keep it before anything else can fail.
  if (token.secret) await storePending(run, token.secret);
  await run.done('create', { created: true, fingerprint: token.secret?.fingerprint ?? j.fingerprint });
}

function createInput(run: RotationRun): CreateTokenInput {
  const j = run.journal;
  const input: CreateTokenInput = {
    name: j.newTokenName,
    tokenType: j.tokenType,
    expireTime: j.newExpireTime ? new Date(j.newExpireTime) : null,
    // The cost tags go with the token, so its spend stays attributed (v3 default_tags).
    ...(j.tags && { tags: j.tags }),
  };
  if (!j.budgeted) return { ...input, activeBalance: false };
  input.balance = fromCents(j.newBalanceCents);
  input.activeBalance = true;
  if (j.oldResetPeriod !== 'none' && j.oldResetAmount !== null) {
    input.balanceResetPeriod = j.oldResetPeriod;
    input.balanceResetAmount = j.oldResetAmount;
  }
  return input;
}

/**
 * Keeps the new value in the pending entry, fenced (see `RotationRun.fence`). Writing where nothing
 * was cannot be fenced by a version: if the lock turns out lost right after, the entry this run
 * created is deleted again (unless the new holder has written it since).
 */
async function storePending(run: RotationRun, secret: Secret): Promise<void> {
  const j = run.journal;
  const { secrets } = run.deps;
  const metadata: SecretEntryMetadata = {
    tokenName: j.newTokenName,
    generation: j.newGeneration,
    rotationId: j.rotationId,
  };
  const before = await secrets.get(run.pendingRef);
  await run.fence();
  const { version } = await secrets.set(run.pendingRef, secret, {
    ifVersion: before?.version ?? null,
    metadata,
  });
  try {
    await run.fence();
  } catch (error) {
    if (!before) await secrets.delete(run.pendingRef, { ifVersion: version }).catch(() => {});
    throw error;
  }
  run.memo.secret = secret;
}

/** The pending value of this rotation's new generation, if stored. */
async function pendingValue(run: RotationRun): Promise<Secret | undefined> {
  if (run.memo.secret) return run.memo.secret;
  const entry = await run.deps.secrets.get(run.pendingRef);
  if (entry?.metadata?.['tokenName'] !== run.journal.newTokenName) return undefined;
  run.memo.secret = entry.value;
  return entry.value;
}

/**
 * 5. Read the new value (Eden's v2 create never returns it; v3's is kept from the create answer, or
 * obtained by rotating the new generation when that answer was lost) and keep it as PENDING.
 * Returns `'recreate'` when the generation had to be discarded and created again.
 */
export async function read(run: RotationRun): Promise<'ok' | 'recreate'> {
  await run.begin('read');
  const j = run.journal;
  let secret = await pendingValue(run);
  if (!secret) {
    const { backend } = run.deps;
    // A backend with a native rotate (v3) never shows a value on reads, and its create answer died
    // with a previous process: rotate the new generation (nobody uses it yet) for a value, in one
    // request, instead of discarding and recreating it.
    const token = backend.rotate
      ? await backend.rotate(j.newTokenName, run.requestOptions)
      : await run.lookup(j.newTokenName);
    run.memo.newToken = token;
    secret = token.secret;
    if (!secret) return unreadable(run);
    await storePending(run, secret);
  }
  await run.done('read', { fingerprint: secret.fingerprint });
  return 'ok';
}

/**
 * No value for the new generation: a v3 create whose one-time answer died with the process, or a
 * backend that never reveals values. Discard it; try once more with the next generation.
 */
async function unreadable(run: RotationRun): Promise<'recreate'> {
  const j = run.journal;
  if (j.recreations >= MAX_RECREATIONS) {
    throw new UnreadableValue(
      `the backend returned no value for ${j.newTokenName} (neither on create nor on read); use a backend that hands values over, such as ManagementKeyBackend`,
    );
  }
  await run.remove(j.newTokenName);
  const generation = j.newGeneration + 1;
  // Built like every other name (checked: a generation past the last one a name can carry throws).
  const newTokenName = formatTokenName(j.environment, j.name.slice(j.environment.length + 1), generation);
  run.deps.logger.warn(
    `rotation ${j.name}: no value for ${j.newTokenName}; creating ${newTokenName} instead`,
    {
      name: j.name,
      rotationId: j.rotationId,
    },
  );
  delete run.memo.newToken;
  // Back to "drain done": the next step is a fresh create.
  await run.save({
    newGeneration: generation,
    newTokenName,
    created: false,
    recreations: j.recreations + 1,
    step: 'drain',
    stepState: 'done',
  });
  return 'recreate';
}

/** 6. The built-in check (budget, type, expiry as planned; no request needed), then the user's hook. */
export async function verify(run: RotationRun): Promise<void> {
  await run.begin('verify');
  const j = run.journal;
  const secret = await pendingValue(run);
  if (!secret) throw new UnreadableValue(`the pending value of ${j.newTokenName} is gone`);
  const token = run.memo.newToken ?? (await run.lookup(j.newTokenName));
  const problem = checkNewGeneration(run, token);
  if (problem) throw new VerifyRejected(`${j.newTokenName} ${problem}`);
  await runVerifyHook(run, secret);
  await run.done('verify');
}

function checkNewGeneration(run: RotationRun, token: EdenToken): string | undefined {
  const j = run.journal;
  if (token.name !== j.newTokenName) return `is reported as ${token.name}`;
  if (token.tokenType !== j.tokenType) return `is a ${token.tokenType}, expected ${j.tokenType}`;
  if (j.budgeted) {
    if (!token.activeBalance) return 'has no active balance';
    if (!aboutCents(token.balance, j.newBalanceCents))
      return `holds ${token.balance ?? 'no'} USD, expected ${fromCents(j.newBalanceCents)}`;
  } else if (token.activeBalance) return 'has a balance limit; the old generation had none';
  if (token.expireTime && token.expireTime.getTime() <= run.deps.clock().getTime())
    return 'has already expired';
  return undefined;
}

/** 7. Write the pending value to the current entry (compare-and-set), then drop the pending one. */
export async function promote(run: RotationRun, gracePeriodMs: number): Promise<void> {
  const uncertain = await run.begin('promote', {
    // The deadline is fixed when the new generation is promoted, once, even across a crash.
    graceEndsAt: new Date(run.deps.clock().getTime() + gracePeriodMs).toISOString(),
  });
  const j = run.journal;
  const { secrets } = run.deps;
  for (let attempt = 0; ; attempt++) {
    const current = await secrets.get(j.secretRef);
    if (current?.metadata?.['tokenName'] === j.newTokenName) break;
    const secret = await pendingValue(run);
    if (!secret) {
      if (!uncertain) throw new UnreadableValue(`the pending value of ${j.newTokenName} is gone`);
      // Pending entry lost (deleted by hand?): read the value again.
      await read(run);
      continue;
    }
    // The allocated budget belongs to the logical token: the new generation's entry keeps it.
    const metadata: SecretEntryMetadata = {
      ...carriedMetadata(current?.metadata),
      tokenName: j.newTokenName,
      generation: j.newGeneration,
      rotationId: j.rotationId,
    };
    try {
      await run.fence();
      await secrets.set(j.secretRef, secret, { ifVersion: current?.version ?? null, metadata });
      break;
    } catch (error) {
      // Someone wrote the entry between our read and write: read again, decide again.
      if (!(error instanceof VersionConflictError) || attempt >= 2) throw error;
    }
  }
  // The new value is current from here: nothing may turn this into a rollback.
  await dropPending(run);
  await run.done('promote', { status: 'grace' });
}

/**
 * 8. Revoke the old generation and give what it had left to the new one. Runs in finalize() after
 * the grace deadline, or at once when there is no grace period.
 *
 * The old generation is DELETED before the new one is raised (deleting is the ultimate "lower
 * first"), rather than lowered to 0 and deleted after: a delete is decidable after a crash or a
 * lost answer (the token is there or not), a lowering to 0 is not (0 could be "lowered" or
 * "spent"), and it saves a request.
 */
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
  await dropPending(run);
  await run.forgetPrevious();
  await run.done('finish', { status: 'completed', error: null });
}

const BEFORE_PROMOTE = ['snapshot', 'drain', 'create', 'read', 'verify', 'promote'] as const;

/** Whether the journal got at least as far as starting `step`. */
function reached(run: RotationRun, step: 'drain' | 'create'): boolean {
  const at = BEFORE_PROMOTE.indexOf(run.journal.step as (typeof BEFORE_PROMOTE)[number]);
  return run.journal.created || at >= BEFORE_PROMOTE.indexOf(step);
}

/**
 * Whether a create may have landed that the journal does not record (its answer lost, or the
 * process stopped before journaling it): the rollback must then look for the new generation.
 * Not when this process saw the create refused.
 */
function createMayHaveLanded(run: RotationRun): boolean {
  const j = run.journal;
  if (j.created || run.memo.createRefused || !reached(run, 'create')) return false;
  return j.step !== 'create' || j.stepState === 'started';
}

/**
 * Abandons a rotation before promote: the new generation is revoked FIRST, then the old one gets
 * back what was carved out of it, so the two never hold more than the old balance together. Acts
 * only on what it has proven: a new generation that may exist is looked up and deleted (a 404 to
 * both proves it absent), and any answer that proves nothing pauses the rollback (resume()
 * continues it) before the old generation gets anything back.
 */
export async function rollback(run: RotationRun, reason: string): Promise<void> {
  let j = run.journal;
  if (j.status !== 'rollingBack') {
    await run.save({
      status: 'rollingBack',
      rollbackReason: reason,
      restoreOld: reached(run, 'drain'),
      newMayExist: createMayHaveLanded(run),
    });
  }
  await run.begin('rollback');
  await dropPending(run);
  j = run.journal;
  if ((j.created || j.newMayExist) && !j.newDeleted) {
    if (j.newLeftoverNano === null) {
      const fresh = await run.find(j.newTokenName);
      await run.save({
        newLeftoverNano: fresh ? Math.max(0, toNanos(fresh.balance)) : 0,
        ...(fresh && { created: true }),
      });
    }
    // Deleted by this call: it existed (even if the lookup said 404), so it was ours to give back.
    const existed = await run.remove(run.journal.newTokenName);
    await run.save({ newDeleted: true, ...(existed && { created: true }) });
  }
  j = run.journal;
  if (j.budgeted && j.restoreOld) {
    const allowanceNano = j.allowanceCents * NANOS_PER_CENT;
    // What was carved out of the old generation: what the new one still held (never more than
    // was carved out), or all of it if the new one never existed.
    const carved = (j.balanceCents - j.allowanceCents) * NANOS_PER_CENT;
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

/**
 * Deletes the pending entry. A store that refuses to (it cannot delete, or became read-only) does
 * not hold the rotation up: the new generation's value there is either current already (promote,
 * finish) or revoked by the rollback. It is reported, never silently kept.
 */
async function dropPending(run: RotationRun): Promise<void> {
  const { secrets, logger } = run.deps;
  try {
    const entry = await secrets.get(run.pendingRef);
    if (!entry) return;
    await run.fence();
    await secrets.delete(run.pendingRef, { ifVersion: entry.version });
  } catch (error) {
    if (!isDefinitive(error)) throw error;
    if (!(await secrets.get(run.pendingRef))) return;
    const j = run.journal;
    logger.warn(
      `rotation ${j.name}: cannot delete the pending entry ${run.pendingRef} (${describe(error)}); it holds the value of ${j.newTokenName}: delete it by hand`,
      { name: j.name, rotationId: j.rotationId },
    );
  }
}
