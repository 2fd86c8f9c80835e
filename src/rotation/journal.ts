// The rotation journal: one record per logical token in the StateStore, written before and after
// every step, so a new process can tell exactly how far a dead one got.
import { randomUUID } from 'node:crypto';
import type { JsonValue } from 'type-fest';
import { VersionConflictError } from '../core/errors.js';
import type { ResetPeriod, TokenType } from '../ports/backend.js';
import type { StateStore } from '../ports/stores.js';
import type { RotationPlan } from './plan.js';
import type { RotationMode, RotationPhase, RotationStatus, RotationStep } from './types.js';

export const JOURNAL_PREFIX = 'rotation/journal/';

export function journalKey(name: string): string {
  return `${JOURNAL_PREFIX}${name}`;
}

/** A raise of one generation's balance, journaled before it is sent (see raise.ts). */
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
  rollbackReason: string | null;
  error: JournalError | null;
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

export function isConflict(error: unknown): error is VersionConflictError {
  return error instanceof VersionConflictError;
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
    allowance: j.budgeted ? j.allowanceCents / 100 : null,
    newBalance: j.budgeted ? j.newBalanceCents / 100 : null,
  };
  if (j.error) status.error = { ...j.error, at: new Date(j.error.at) };
  return status;
}

/** The journal of a rotation that has just taken its snapshot. */
export function newJournal(plan: RotationPlan, gracePeriodMs: number, at: Date): Journal {
  const now = at.toISOString();
  return {
    v: 1,
    rotationId: randomUUID(),
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
