// A per-token lease lock in the StateStore: compare-and-set create, renewed while working, taken
// over (again with compare-and-set) once its lease has passed on the injected clock.
import type { JsonValue } from 'type-fest';
import { RotationInProgressError, VersionConflictError } from '../core/errors.js';
import type { Clock } from '../core/types.js';
import type { StateStore } from '../ports/stores.js';

export const LOCK_PREFIX = 'rotation/lock/';

export interface LockRecord {
  holder: string;
  rotationId: string | null;
  acquiredAt: string;
  leaseExpiresAt: string;
}

export function lockKey(name: string): string {
  return `${LOCK_PREFIX}${name}`;
}

export async function readLock(
  state: StateStore,
  name: string,
): Promise<{ record: LockRecord; version: string } | undefined> {
  const stored = await state.get(lockKey(name));
  const v = stored?.value as Partial<LockRecord> | undefined;
  if (!stored || typeof v?.holder !== 'string' || typeof v.leaseExpiresAt !== 'string') return undefined;
  return { record: v as LockRecord, version: stored.version };
}

/** One holder's lock on one logical token. */
export class LeaseLock {
  #version: string | undefined;
  #rotationId: string | null = null;
  #acquiredAt = '';

  constructor(
    private readonly state: StateStore,
    readonly name: string,
    private readonly holder: string,
    private readonly leaseMs: number,
    private readonly clock: Clock,
  ) {}

  get held(): boolean {
    return this.#version !== undefined;
  }

  /** Takes the lock or throws `RotationInProgressError` (someone else holds a live lease). */
  async acquire(rotationId: string | null): Promise<void> {
    this.#rotationId = rotationId;
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await readLock(this.state, this.name);
      const now = this.clock();
      if (
        current &&
        current.record.holder !== this.holder &&
        Date.parse(current.record.leaseExpiresAt) > now.getTime()
      ) {
        throw new RotationInProgressError(this.name, current.record.rotationId ?? undefined);
      }
      this.#acquiredAt = now.toISOString();
      try {
        this.#version = await this.#write(current?.version ?? null);
        return;
      } catch (error) {
        // Someone wrote the lock between our read and write: read it again and decide.
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    throw new RotationInProgressError(this.name, rotationId ?? undefined);
  }

  /** Extends the lease. Throws `RotationInProgressError` when another holder took the lock over. */
  async renew(rotationId?: string): Promise<void> {
    if (rotationId) this.#rotationId = rotationId;
    if (this.#version === undefined)
      throw new RotationInProgressError(this.name, this.#rotationId ?? undefined);
    try {
      this.#version = await this.#write(this.#version);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      this.#version = undefined;
      throw new RotationInProgressError(this.name, this.#rotationId ?? undefined);
    }
  }

  /** Releases the lock if we still hold it; never throws for a lock already taken over. */
  async release(): Promise<void> {
    const version = this.#version;
    this.#version = undefined;
    if (version === undefined) return;
    try {
      await this.state.delete(lockKey(this.name), { ifVersion: version });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }

  async #write(ifVersion: string | null): Promise<string> {
    const record: LockRecord = {
      holder: this.holder,
      rotationId: this.#rotationId,
      acquiredAt: this.#acquiredAt,
      leaseExpiresAt: new Date(this.clock().getTime() + this.leaseMs).toISOString(),
    };
    const { version } = await this.state.set(lockKey(this.name), record as unknown as JsonValue, {
      ifVersion,
    });
    return version;
  }
}
