// What a rotation keeps in the StateStore, both written with compare-and-set so that a holder whose
// lease has passed cannot change either once another took over (fencing):
// - the journal: one record per logical token, written before and after every step, so a new
//   process can tell exactly how far a dead one got; and its public views (status, result);
// - the lock: a per-token lease, renewed while working, taken over once it has passed on the
//   injected clock. Every acquisition gets a fencing number above any the lock or the journal has
//   seen; a holder that takes over writes it into the journal before acting (`RotationRun.claim`),
//   which changes the journal's version, so every later write of the holder it replaced is refused.
import type { JsonValue } from 'type-fest';
import { RotationInProgressError, VersionConflictError } from '../core/errors.js';
import { fromCents } from '../core/money.js';
import type { Clock } from '../core/types.js';
import type { ResetPeriod, TokenType } from '../ports/backend.js';
import type { StateStore } from '../ports/stores.js';
import type { RotationPlan } from './plan.js';
import type { RotationMode, RotationPhase, RotationResult, RotationStatus, RotationStep } from './types.js';

const JOURNAL_PREFIX = 'rotation/journal/';

function journalKey(name: string): string {
  return `${JOURNAL_PREFIX}${name}`;
}

/** A raise of one generation's balance, journaled before it is sent (see `raiseOnce`). */
export interface PendingRaise {
  tokenName: string;
  /** Balance read just before the raise, in nano-dollars (exact for Eden's 9 decimals). */
  fromNanos: number;
  /** The balance the raise sets (Eden sets balances, it cannot add to them). */
  toNanos: number;
  /** Also put back the old generation's reset period and amount (rollback). */
  restoreReset: boolean;
  done: boolean;
}

export interface JournalError {
  step: RotationStep;
  message: string;
  at: string;
  resumable: boolean;
}

/** Everything a rotation needs to continue after a crash. Plain JSON; never a token value. */
export interface Journal {
  v: 1;
  rotationId: string;
  name: string;
  environment: string;
  /** Absent in journals written before native rotation existed: `generation`. */
  mode?: RotationMode;
  status: RotationPhase;
  step: RotationStep;
  /** `started` is written before a step acts, `done` after: `started` on load means "may or may not have happened". */
  stepState: 'started' | 'done';
  startedAt: string;
  updatedAt: string;
  secretRef: string;
  oldTokenName: string;
  oldGeneration: number;
  newTokenName: string;
  newGeneration: number;
  tokenType: TokenType;
  /** The old generation had an enforced balance (the new one gets one too); false: unlimited. */
  budgeted: boolean;
  /** The old generation's balance at the snapshot, USD as Eden reported it. */
  oldBalance: number | null;
  balanceCents: number;
  allowanceCents: number;
  newBalanceCents: number;
  oldResetPeriod: ResetPeriod;
  oldResetAmount: number | null;
  newExpireTime: string | null;
  /** The expiry at the snapshot (native: the key's expiry is only changed when the plan differs). */
  oldExpireTime?: string | null;
  /** The old generation's cost tags (v3), carried to the new one. Absent: none known. */
  tags?: Record<string, string>;
  gracePeriodMs: number;
  graceEndsAt: string | null;
  /** Fingerprint of the new value, for humans (migration steps); not the value. */
  fingerprint: string | null;
  /** We issued the create (so the new generation is ours to delete on rollback). */
  created: boolean;
  /** How often an unreadable new generation was discarded and created again. */
  recreations: number;
  /** finish: the old generation's leftover, read just before it was deleted. */
  leftoverNano: number | null;
  oldDeleted: boolean;
  raise: PendingRaise | null;
  /** rollback: what the new generation still held when it was deleted. */
  newLeftoverNano: number | null;
  newDeleted: boolean;
  /** rollback: the drain may have lowered the old generation, so it gets the carved-out part back. */
  restoreOld: boolean;
  /**
   * rollback: a create may have landed without being journaled (its answer lost), so the new
   * generation is looked up and deleted before the old one gets anything back. Absent: false.
   */
  newMayExist?: boolean;
  rollbackReason: string | null;
  error: JournalError | null;
  /** The fencing number of the lock holder that wrote this record. Absent (older journals): 0. */
  fence?: number;
}

/** A journal as loaded: the record and its store version (for compare-and-set). */
export interface LoadedJournal {
  journal: Journal;
  version: string;
}

const LIVE_PHASES: ReadonlySet<RotationPhase> = new Set(['running', 'failed', 'rollingBack']);

/** A rotation that has not reached `grace` (or its rollback has not finished). */
export function isUnfinished(j: Journal): boolean {
  return LIVE_PHASES.has(j.status);
}

export function modeOf(j: Journal): RotationMode {
  return j.mode ?? 'generation';
}

/** Reads and writes journals with compare-and-set, so a writer that lost its lock cannot clobber. */
export class JournalStore {
  constructor(private readonly state: StateStore) {}

  async load(name: string): Promise<LoadedJournal | undefined> {
    const stored = await this.state.get(journalKey(name));
    if (!stored || !isJournal(stored.value)) return undefined;
    return { journal: stored.value, version: stored.version };
  }

  /** Writes `journal` if the record is still at `version` (`null`: absent). Returns the new version. */
  async save(journal: Journal, version: string | null): Promise<string> {
    const { version: next } = await this.state.set(
      journalKey(journal.name),
      journal as unknown as JsonValue,
      {
        ifVersion: version,
      },
    );
    return next;
  }

  /** Every journal, by name. */
  async all(): Promise<LoadedJournal[]> {
    const keys = await this.state.list(JOURNAL_PREFIX);
    const out: LoadedJournal[] = [];
    for (const key of keys) {
      const loaded = await this.load(key.slice(JOURNAL_PREFIX.length));
      if (loaded) out.push(loaded);
    }
    return out;
  }
}

function isJournal(value: unknown): value is Journal {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { v?: unknown }).v === 1 &&
    typeof (value as { rotationId?: unknown }).rotationId === 'string'
  );
}

/** The public view of a journal. */
export function toStatus(j: Journal): RotationStatus {
  const status: RotationStatus = {
    name: j.name,
    rotationId: j.rotationId,
    status: j.status,
    step: j.step,
    oldTokenName: j.oldTokenName,
    newTokenName: j.newTokenName,
    generation: j.newGeneration,
    mode: modeOf(j),
    startedAt: new Date(j.startedAt),
    updatedAt: new Date(j.updatedAt),
    graceEndsAt: j.graceEndsAt ? new Date(j.graceEndsAt) : null,
    allowance: j.budgeted ? fromCents(j.allowanceCents) : null,
    newBalance: j.budgeted ? fromCents(j.newBalanceCents) : null,
  };
  if (j.error) status.error = { ...j.error, at: new Date(j.error.at) };
  return status;
}

/** A journal → the public result, with human migration steps (names and fingerprints, no values). */
export function toResult(j: Journal): RotationResult {
  const status = j.status === 'completed' ? 'completed' : 'grace';
  return {
    name: j.name,
    rotationId: j.rotationId,
    oldTokenName: j.oldTokenName,
    newTokenName: j.newTokenName,
    generation: j.newGeneration,
    mode: modeOf(j),
    status,
    graceEndsAt: j.graceEndsAt ? new Date(j.graceEndsAt) : null,
    migrationSteps: migrationSteps(j, status),
  };
}

function migrationSteps(j: Journal, status: 'grace' | 'completed'): string[] {
  const fp = j.fingerprint ? `fingerprint ${j.fingerprint}` : 'new value';
  if (modeOf(j) === 'native') return nativeSteps(j, fp);
  const steps = [
    `Reload the secret at ${j.secretRef} (${fp}) in services using ${j.name}: it now holds ${j.newTokenName}.`,
  ];
  if (status === 'grace') {
    const until = j.graceEndsAt ?? 'the end of the grace period';
    steps.push(
      j.budgeted
        ? `Old generation ${j.oldTokenName} stays valid until ${until} with ${usd(j.allowanceCents)} allowance; run finalize() after that to revoke it and move what it has left to ${j.newTokenName}.`
        : `Old generation ${j.oldTokenName} stays valid (no budget limit) until ${until}; run finalize() after that to revoke it.`,
    );
  } else {
    steps.push(
      `Old generation ${j.oldTokenName} is revoked: services still using it get 401 errors until they reload.`,
    );
  }
  if (j.budgeted) {
    steps.push(
      `${j.newTokenName} was created with ${usd(j.newBalanceCents)}: the ${usd(j.balanceCents)} left on ${j.oldTokenName} minus the ${usd(j.allowanceCents)} grace allowance (the budget is split, never doubled).`,
    );
  }
  steps.push(
    j.newExpireTime
      ? `${j.newTokenName} expires at ${j.newExpireTime}.`
      : `${j.newTokenName} has no expiry date.`,
  );
  return steps;
}

function nativeSteps(j: Journal, fp: string): string[] {
  const steps = [
    `Reload the secret at ${j.secretRef} (${fp}) in services using ${j.name}: ${j.newTokenName} (same key) has a new value.`,
    `The old value of ${j.newTokenName} stopped working at once (native rotation has no grace period): services still using it get 401 errors until they reload.`,
  ];
  if (j.budgeted)
    steps.push(
      `Budget unchanged: ${j.newTokenName} keeps its balance (same key; nothing was split or moved).`,
    );
  steps.push(
    j.newExpireTime
      ? `${j.newTokenName} expires at ${j.newExpireTime}.`
      : `${j.newTokenName} has no expiry date.`,
  );
  return steps;
}

/** `1234` cents → `$12.34` */
function usd(cents: number): string {
  return `$${fromCents(cents).toFixed(2)}`;
}

/** The journal of a rotation that has just taken its snapshot, written by the holder of `fence`. */
export function newJournal(plan: RotationPlan, gracePeriodMs: number, at: Date, fence: number): Journal {
  const now = at.toISOString();
  return {
    v: 1,
    fence,
    rotationId: globalThis.crypto.randomUUID(),
    name: plan.name,
    environment: plan.environment,
    mode: plan.mode,
    status: 'running',
    step: 'snapshot',
    stepState: 'done',
    startedAt: now,
    updatedAt: now,
    secretRef: plan.secretRef,
    oldTokenName: plan.oldTokenName,
    oldGeneration: plan.oldGeneration,
    newTokenName: plan.newTokenName,
    newGeneration: plan.newGeneration,
    tokenType: plan.tokenType,
    budgeted: plan.budgeted,
    oldBalance: plan.oldBalance,
    balanceCents: plan.balanceCents,
    allowanceCents: plan.allowanceCents,
    newBalanceCents: plan.newBalanceCents,
    oldResetPeriod: plan.oldResetPeriod,
    oldResetAmount: plan.oldResetAmount,
    newExpireTime: plan.newExpireTime?.toISOString() ?? null,
    oldExpireTime: plan.oldExpireTime?.toISOString() ?? null,
    ...(plan.tags && { tags: { ...plan.tags } }),
    gracePeriodMs: plan.mode === 'native' ? 0 : gracePeriodMs,
    graceEndsAt: null,
    fingerprint: null,
    created: false,
    recreations: 0,
    leftoverNano: null,
    oldDeleted: false,
    raise: null,
    newLeftoverNano: null,
    newDeleted: false,
    restoreOld: false,
    rollbackReason: null,
    error: null,
  };
}

// ── lock ─────────────────────────────────────────────────────────────────

const LOCK_PREFIX = 'rotation/lock/';

interface LockRecord {
  holder: string;
  rotationId: string | null;
  acquiredAt: string;
  leaseExpiresAt: string;
  /** Fencing number: above every earlier holder's. Absent (older records): 0. */
  fence?: number;
}

function lockKey(name: string): string {
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

/** The highest fencing number the journal of `name` was written with (0 without one). */
async function journalFence(state: StateStore, name: string): Promise<number> {
  const stored = await state.get(journalKey(name));
  const fence = (stored?.value as { fence?: unknown } | undefined)?.fence;
  return typeof fence === 'number' && Number.isSafeInteger(fence) ? fence : 0;
}

/** One holder's lock on one logical token. */
export class LeaseLock {
  #version: string | undefined;
  #rotationId: string | null = null;
  #acquiredAt = '';
  #fence = 0;

  constructor(
    private readonly state: StateStore,
    readonly name: string,
    private readonly holder: string,
    private readonly leaseMs: number,
    private readonly clock: Clock,
  ) {}

  /** This holder's fencing number (0 before `acquire`). */
  get fence(): number {
    return this.#fence;
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
      // Above both: a released lock is deleted, and a store may expire lock records (a TTL), so the
      // journal remembers the last holder's number too.
      this.#fence = Math.max(current?.record.fence ?? 0, await journalFence(this.state, this.name)) + 1;
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

  /**
   * Extends the lease, proving that we still hold the lock (a compare-and-set on the record).
   * Throws `RotationInProgressError` when another holder took the lock over.
   */
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
      fence: this.#fence,
    };
    const { version } = await this.state.set(lockKey(this.name), record as unknown as JsonValue, {
      ifVersion,
    });
    return version;
  }
}
