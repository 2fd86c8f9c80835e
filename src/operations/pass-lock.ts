// One reconcile pass at a time across processes that share a StateStore (two pods of a CronJob
// started together): the second finds the lease held and does nothing.
import { VersionConflictError } from '../core/errors.js';
import type { StateStore } from '../ports/stores.js';

/** The StateStore key of the pass lease. */
export const PASS_LOCK_KEY = 'reconcile/lock';

interface LeaseRecord {
  holder: string;
  leaseExpiresAt: string;
  [key: string]: string;
}

/** A held lease; `release()` frees it unless another holder took it over after it expired. */
export interface PassLease {
  release(): Promise<void>;
}

/**
 * Takes the pass lease, or returns `undefined` when a live holder has it. A lease whose holder
 * died is taken over once `leaseMs` has passed on `now`.
 */
export async function acquirePassLease(
  state: StateStore,
  now: Date,
  leaseMs: number,
): Promise<PassLease | undefined> {
  const holder = `reconcile-${globalThis.crypto.randomUUID()}`;
  const current = await state.get<LeaseRecord>(PASS_LOCK_KEY);
  if (current && Date.parse(current.value.leaseExpiresAt) > now.getTime()) return undefined;
  const record: LeaseRecord = { holder, leaseExpiresAt: new Date(now.getTime() + leaseMs).toISOString() };
  let version: string;
  try {
    ({ version } = await state.set(PASS_LOCK_KEY, record, { ifVersion: current?.version ?? null }));
  } catch (error) {
    if (error instanceof VersionConflictError) return undefined; // another process got there first
    throw error;
  }
  return {
    async release() {
      try {
        await state.delete(PASS_LOCK_KEY, { ifVersion: version });
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
      }
    },
  };
}
