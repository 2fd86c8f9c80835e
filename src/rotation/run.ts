// One rotation in flight: its journal (and store version), its lock, and the few things it
// remembers between steps in this process (never persisted: the value only goes to the SecretStore),
// with the primitives every step uses: journaled begin/done, reads and deletes that take only a
// proven absence (a 404) for "missing", the SecretStore's write check, raising a balance exactly
// once, the user's verify hook, the event emitter, and which failures end a rotation.
import {
  APIConnectionError,
  APIError,
  ConfigurationError,
  InvalidInputError,
  NotFoundError,
  PolicyViolationError,
  ResponseValidationError,
  RotationInProgressError,
  VersionConflictError,
} from '../core/errors.js';
import { fromNanos, toNanos } from '../core/money.js';
import type { Secret } from '../core/secret.js';
import type { Clock, Logger, RequestOptions } from '../core/types.js';
import type { EdenToken, TokenBackend, UpdateTokenInput } from '../ports/backend.js';
import type { SecretStore } from '../ports/stores.js';
import { probeStore, storeName } from '../registry/mutations.js';
import { type Journal, type JournalStore, type LeaseLock, modeOf, type PendingRaise } from './journal.js';
import type {
  RotationEventName,
  RotationEvents,
  RotationListener,
  RotationStep,
  VerifyHook,
} from './types.js';

/**
 * `edenai/prod-web-app` → `edenai/prod-web-app.pending`: characters every common vault accepts
 * (AWS Secrets Manager rejects `#`), and no logical token name contains a dot.
 */
function pendingRefFor(secretRef: string): string {
  return `${secretRef}.pending`;
}

export interface RunDeps {
  backend: TokenBackend;
  secrets: SecretStore;
  journals: JournalStore;
  clock: Clock;
  logger: Logger;
  emitter: RotationEmitter;
  verify: VerifyHook | undefined;
}

export class RotationRun {
  journal: Journal;
  #version: string;
  /** The step being attempted (for error reports): set before it is journaled. */
  attempting: RotationStep | undefined;
  /** Remembered within this process only. */
  readonly memo: {
    secret?: Secret;
    newToken?: EdenToken;
    mayHaveRotated?: boolean;
    /** This process saw the create of the new generation refused (a definitive answer). */
    createRefused?: boolean;
  } = {};

  /**
   * @param resumed the journal was loaded from the store (another process, or a paused run): the
   *   snapshot may be old, so the drain re-reads the balance instead of trusting it.
   */
  constructor(
    readonly deps: RunDeps,
    loaded: { journal: Journal; version: string },
    readonly lock: LeaseLock,
    readonly signal: AbortSignal | undefined,
    readonly resumed = false,
  ) {
    this.journal = loaded.journal;
    this.#version = loaded.version;
  }

  get requestOptions(): RequestOptions {
    return this.signal ? { signal: this.signal } : {};
  }

  /** The SecretStore key of the new value while it is tested (never the current entry). */
  get pendingRef(): string {
    return pendingRefFor(this.journal.secretRef);
  }

  /**
   * Marks `step` as started (unless a previous process already did: then returns `true`, meaning
   * "its effect is uncertain: check the backend before acting"). Renews the lock first.
   */
  async begin(step: RotationStep, patch: Partial<Journal> = {}): Promise<boolean> {
    this.attempting = step;
    this.signal?.throwIfAborted();
    await this.lock.renew(this.journal.rotationId);
    const uncertain = this.journal.step === step && this.journal.stepState === 'started';
    if (!uncertain) await this.save({ ...patch, step, stepState: 'started' });
    this.deps.logger.debug(`rotation ${this.journal.name}: ${step}${uncertain ? ' (re-run)' : ''}`, {
      name: this.journal.name,
      rotationId: this.journal.rotationId,
      step,
    });
    return uncertain;
  }

  /** Marks `step` as done and tells listeners. */
  async done(step: RotationStep, patch: Partial<Journal> = {}): Promise<void> {
    await this.save({ ...patch, step, stepState: 'done' });
    const j = this.journal;
    this.deps.emitter.emit('rotation.step', {
      name: j.name,
      rotationId: j.rotationId,
      step,
      oldTokenName: j.oldTokenName,
      newTokenName: j.newTokenName,
    });
  }

  /**
   * Proves that this run still holds the lock (renewing it with compare-and-set). A SecretStore
   * write is fenced by reading the entry's version BEFORE this proof and writing with
   * compare-and-set on it: a holder that takes over afterwards claims the journal first, and any
   * write it makes to the entry changes the version, so this run's write is then refused.
   */
  fence(): Promise<void> {
    return this.lock.renew(this.journal.rotationId);
  }

  /**
   * Stores that keep history (versions, a `previous` key) drop the revoked generation's value.
   * Fenced: once another holder took over, a later rotation's history is not this run's to drop.
   */
  async forgetPrevious(): Promise<void> {
    const { secrets } = this.deps;
    if (!secrets.forgetPrevious) return;
    await this.fence();
    await secrets.forgetPrevious(this.journal.secretRef);
  }

  /**
   * A run that continues a journal it did not write (a takeover, a resume): writes its fencing
   * number into the journal before acting. That write changes the journal's version, so the holder
   * it replaced can no longer write it; a write that holder made in between is read and kept.
   */
  async claim(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.save({});
        break;
      } catch (error) {
        if (!(error instanceof RotationInProgressError) || attempt >= 2) throw error;
        const fresh = await this.deps.journals.load(this.journal.name);
        if (fresh?.journal.rotationId !== this.journal.rotationId) throw error;
        this.journal = fresh.journal;
        this.#version = fresh.version;
      }
    }
    // The entries the replaced holder may be about to write (it read their versions before its
    // last fence): rewritten as they are, so their versions change and its writes are refused. The
    // current entry only where a step writes it, so services watching it see no needless change.
    const j = this.journal;
    const writesCurrent =
      j.stepState === 'started' && (j.step === 'promote' || (j.step === 'rotate' && modeOf(j) === 'native'));
    await this.#touch(this.pendingRef);
    if (writesCurrent) await this.#touch(j.secretRef);
  }

  /** Rewrites an entry unchanged (a new version), if it exists. */
  async #touch(ref: string): Promise<void> {
    const { secrets } = this.deps;
    for (let attempt = 0; ; attempt++) {
      const entry = await secrets.get(ref);
      if (!entry) return;
      try {
        await secrets.set(ref, entry.value, {
          ifVersion: entry.version,
          ...(entry.metadata && { metadata: entry.metadata }),
        });
        return;
      } catch (error) {
        // A store that refuses writes (read-only now) cannot be written by the replaced holder
        // either; a rollback must still get through.
        if (isDefinitive(error)) return;
        if (!(error instanceof VersionConflictError) || attempt >= 2) throw error;
      }
    }
  }

  /**
   * Writes the journal with compare-and-set, stamped with this holder's fencing number; a conflict
   * (or a journal already stamped by a later holder) means another holder took over.
   */
  async save(patch: Partial<Journal>): Promise<void> {
    const fence = this.lock.fence;
    const next: Journal = { ...this.journal, ...patch, fence, updatedAt: this.deps.clock().toISOString() };
    if ((this.journal.fence ?? 0) > fence) throw new RotationInProgressError(next.name, next.rotationId);
    try {
      this.#version = await this.deps.journals.save(next, this.#version);
    } catch (error) {
      if (error instanceof VersionConflictError)
        throw new RotationInProgressError(next.name, next.rotationId);
      throw error;
    }
    this.journal = next;
  }

  /**
   * GET a token. A 404 throws `NotFoundError` (Eden says it does not exist); any other 4xx answer
   * (a wrong key, a gateway's 403, a 409) proves nothing about it and throws `Unproven`, which
   * pauses the rotation instead of ending it.
   */
  async lookup(tokenName: string): Promise<EdenToken> {
    try {
      return await this.deps.backend.get(tokenName, this.requestOptions);
    } catch (error) {
      throw unproven(tokenName, error);
    }
  }

  /** GET a token; `undefined` only when it is proven absent (a 404). */
  async find(tokenName: string): Promise<EdenToken | undefined> {
    try {
      return await this.lookup(tokenName);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * DELETE a token: `true` when this call deleted it, `false` when it was already gone. A 404 to
   * the DELETE is confirmed by a lookup first: "gone" must be proven, not assumed.
   */
  async remove(tokenName: string): Promise<boolean> {
    try {
      await this.deps.backend.delete(tokenName, this.requestOptions);
      return true;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (await this.find(tokenName))
      throw new Unproven(`the delete of ${tokenName} answered 404, but a lookup still finds it`);
    return false;
  }
}

/**
 * Before a rotation's first write at Eden: proves that its SecretStore can do what the rotation
 * needs (write the new value, delete the pending entry) with a throwaway entry at the pending key,
 * so a read-only store (EnvSecretStore) or a key the store refuses fails the rotation while
 * nothing has changed (a definitive failure: the rotation ends). A transient failure is thrown as
 * it is (the rotation pauses).
 */
export async function checkSecretStore(run: RotationRun): Promise<void> {
  const { secrets } = run.deps;
  const failed = await probeStore(secrets, run.journal.secretRef, () => run.fence());
  // Fenced again: the step's call to Eden comes next.
  if (!failed) return run.fence();
  if (!isDefinitive(failed.error)) throw failed.error;
  throw new ConfigurationError(
    `the SecretStore (${storeName(secrets)}) cannot ${failed.doing} ${failed.key} (${describe(failed.error)}), and a rotation writes the new value there, then deletes it. Nothing was changed at Eden: rotate where a writable store is configured`,
    { cause: failed.error },
  );
}

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

// ── raising a balance ────────────────────────────────────────────────────
// Eden can only SET a balance, so "add L" is read-then-set; the target is journaled before the
// PATCH, and a re-run decides from the live balance whether the PATCH landed. When in doubt it does
// not raise: a crash may lose budget, never add any.

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

// ── events ───────────────────────────────────────────────────────────────

/**
 * A tiny typed event emitter. A listener that throws is logged and ignored: an observer must
 * never break (or half-finish) a rotation.
 */
export class RotationEmitter {
  readonly #listeners = new Map<RotationEventName, Set<(payload: never) => void>>();

  constructor(private readonly logger: Logger) {}

  on<E extends RotationEventName>(event: E, listener: RotationListener<E>): void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
  }

  off<E extends RotationEventName>(event: E, listener: RotationListener<E>): void {
    this.#listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  emit<E extends RotationEventName>(event: E, payload: RotationEvents[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as RotationListener<E>)(payload);
      } catch (error) {
        this.logger.warn(`rotation event listener for ${event} threw; ignored`, {
          event,
          error: error instanceof Error ? error.name : typeof error,
        });
      }
    }
  }
}

// ── failures ─────────────────────────────────────────────────────────────
// Which failures end a rotation (roll it back) and which only pause it (resume() continues).

/** The new generation failed its check: the rotation is rolled back. */
export class VerifyRejected extends Error {
  override name = 'VerifyRejected';
}

/** The backend hands out no value for the new generation: nobody could use it. */
export class UnreadableValue extends Error {
  override name = 'UnreadableValue';
}

/** Eden's state could not be established (a lookup refused or contradicted): pause, never act on it. */
export class Unproven extends Error {
  override name = 'Unproven';
}

/** A lookup's 4xx answer other than 404, as `Unproven`; anything else unchanged. */
function unproven(tokenName: string, error: unknown): unknown {
  if (!(error instanceof APIError) || error instanceof NotFoundError) return error;
  const status = error.status;
  if (status === undefined || status < 400 || status >= 500) return error;
  return new Unproven(
    `cannot tell whether ${tokenName} exists: its lookup was answered ${status} (${error.message}), which proves nothing about it; resume() continues once Eden answers`,
    { cause: error },
  );
}

const TRANSIENT_STATUS = new Set([408, 409, 429]);

/**
 * Definitive: retrying cannot help (a write refused with a 4xx answer, bad input, a refused
 * check), so the rotation is rolled back. Anything else (5xx, 429, timeouts, dropped connections,
 * an odd body, a lookup that proved nothing (`Unproven`), a crash of our own process, an abort)
 * leaves the journal for `resume()`.
 */
export function isDefinitive(error: unknown): boolean {
  if (error instanceof VerifyRejected || error instanceof UnreadableValue) return true;
  if (error instanceof ResponseValidationError || error instanceof APIConnectionError) return false;
  if (error instanceof APIError) {
    // A taken name is an answer, whatever the status (v3 says 409, otherwise a transient one).
    if (error.code === 'name_taken') return true;
    const status = error.status;
    return status !== undefined && status >= 400 && status < 500 && !TRANSIENT_STATUS.has(status);
  }
  return (
    error instanceof InvalidInputError ||
    error instanceof PolicyViolationError ||
    error instanceof ConfigurationError
  );
}

/** A short, value-free description of an error. */
export function describe(error: unknown, secret?: Secret): string {
  const text = error instanceof Error ? error.message : String(error);
  return secret ? scrub(text, secret) : text;
}

/** Replaces any copy of the value in text written by user code (a verify hook's error message). */
export function scrub(text: string, secret: Secret): string {
  const value = secret.reveal();
  return value.length >= 4 ? text.split(value).join(secret.toString()) : text;
}
