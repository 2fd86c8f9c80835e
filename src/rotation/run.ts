// One rotation in flight: its journal (and store version), its lock, and the few things it
// remembers between steps in this process (never persisted: the value only goes to the SecretStore).

import { NotFoundError, RotationInProgressError, VersionConflictError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { Clock, Logger, RequestOptions } from '../core/types.js';
import type { EdenToken, TokenBackend } from '../ports/backend.js';
import type { SecretStore } from '../ports/stores.js';
import type { RotationEmitter } from './events.js';
import type { Journal, JournalStore } from './journal.js';
import type { LeaseLock } from './lock.js';
import type { RotationStep, VerifyHook } from './types.js';

/**
 * `edenai/prod-web-app` → `edenai/prod-web-app.pending`: characters every common vault accepts
 * (AWS Secrets Manager rejects `#`), and no logical token name contains a dot.
 */
export function pendingRefFor(secretRef: string): string {
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
  readonly memo: { secret?: Secret; newToken?: EdenToken; mayHaveRotated?: boolean } = {};

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

  /** Writes the journal with compare-and-set; a conflict means another holder took over. */
  async save(patch: Partial<Journal>): Promise<void> {
    const next: Journal = { ...this.journal, ...patch, updatedAt: this.deps.clock().toISOString() };
    try {
      this.#version = await this.deps.journals.save(next, this.#version);
    } catch (error) {
      if (error instanceof VersionConflictError)
        throw new RotationInProgressError(next.name, next.rotationId);
      throw error;
    }
    this.journal = next;
  }

  /** GET a token; `undefined` when it does not exist. */
  async find(tokenName: string): Promise<EdenToken | undefined> {
    try {
      return await this.deps.backend.get(tokenName, this.requestOptions);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** DELETE a token; already gone counts as done. */
  async remove(tokenName: string): Promise<void> {
    try {
      await this.deps.backend.delete(tokenName, this.requestOptions);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
}
