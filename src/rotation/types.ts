import type { Secret } from '../core/secret.js';
import type { Clock, Logger, Progress, RequestOptions } from '../core/types.js';
import type { AuditSink } from '../ports/audit.js';
import type { EdenToken, TokenBackend } from '../ports/backend.js';
import type { SecretStore, StateStore } from '../ports/stores.js';
import type { EnvironmentPolicy, ManagedToken, ParsedName } from '../registry/types.js';

/** A rotation that failed and is waiting for `resume()` or a human; AlertSystem reports these. */
export interface RotationFailure {
  /** Logical token name. */
  name: string;
  rotationId: string;
  step: string;
  message: string;
  at: Date;
}

/** Anything that can list failed rotations (RotationManager implements it). */
export interface RotationFailureSource {
  failures(): Promise<RotationFailure[]>;
}

/**
 * The steps of one rotation, in order (AWS Secrets Manager's create / set / test / finish,
 * adapted to name-keyed Eden tokens). `rollback` runs only when a rotation is abandoned.
 * A native rotation (see {@link RotationMode}) runs `snapshot`, `rotate`, `verify`, `finish`.
 */
export type RotationStep =
  | 'lock'
  | 'snapshot'
  | 'drain'
  | 'create'
  | 'read'
  | 'verify'
  | 'promote'
  | 'finish'
  | 'rollback'
  | 'rotate';

/**
 * How a token is rotated:
 * - `generation`: a new Eden token (`prod-web-app--g2`) is created and funded from the old one,
 *   which keeps working through the grace period (zero downtime), then is revoked;
 * - `native`: the backend's own rotate (v3 Management API) gives the same key a new value; the old
 *   value stops working at once, the key id, budget and usage history stay.
 *
 * @example
 * const mode: RotationMode = (await manager.status('prod-web-app'))?.mode ?? 'generation';
 */
export type RotationMode = 'generation' | 'native';

/**
 * When the RotationManager uses a backend's native rotate (`backend.rotate`, v3 Management API):
 * - `'auto'` (default): when the backend has one and `gracePeriodMs` is 0;
 * - `'always'`: always (the backend must have one; there is no grace period);
 * - `'never'`: always rotate by generations.
 *
 * @example
 * const manager = new RotationManager({ registry, state, gracePeriodMs: 0, native: 'never' });
 */
export type NativeRotation = 'auto' | 'always' | 'never';

/**
 * Where a rotation stands:
 * - `running`: between `lock` and `promote` (or its process died there: `resume()` continues it);
 * - `failed`: stopped before `promote` on a transient error, or on an answer that proves nothing
 *   about Eden's state (a lookup refused with 401 or 403); `resume()` continues it;
 * - `rollingBack` / `rolledBack`: abandoned (verify refused, or a definitive API error); the old
 *   generation is current again;
 * - `grace`: the new generation is current, the old one still works until `graceEndsAt`;
 * - `completed`: the old generation is revoked (native: the new value is stored and the old one is
 *   dead; `error` is set when the new value failed `verify`, since there is nothing to roll back to).
 */
export type RotationPhase = 'running' | 'failed' | 'rollingBack' | 'rolledBack' | 'grace' | 'completed';

/** What `verify` receives: the new generation and its value. @example const ok = ({ secret }: RotationCandidate) => secret.reveal().startsWith('sk-'); */
export interface RotationCandidate {
  /** Logical name: `prod-web-app`. */
  name: string;
  /** Eden name of the new generation: `prod-web-app--g2`. */
  tokenName: string;
  generation: number;
  secret: Secret;
}

/**
 * Returns or resolves `false`, or throws, to abort the rotation (it is then rolled back).
 *
 * @example
 * const verify: VerifyHook = async ({ secret }) => {
 *   const res = await fetch('https://api.edenai.run/v2/info/provider_subfeatures', {
 *     headers: { authorization: `Bearer ${secret.reveal()}` },
 *   });
 *   return res.ok;
 * };
 */
export type VerifyHook = (candidate: RotationCandidate) => boolean | undefined | Promise<boolean | undefined>;

/**
 * The old generation's allowance during the grace period, in USD: a fixed amount, or a function
 * of the remaining balance. Rounded down to cents and capped at the remaining balance.
 *
 * @example
 * const fixed: GraceAllowance = 5;
 * const quarter: GraceAllowance = (remaining) => remaining / 4;
 */
export type GraceAllowance = number | ((remaining: number) => number);

/**
 * Options of `new RotationManager(...)`.
 *
 * @example
 * const options: RotationManagerOptions = {
 *   registry,
 *   state: new FileStateStore({ path: '.edenai-tokens/state.json' }),
 *   gracePeriodMs: 24 * 3600_000,
 *   graceAllowance: (remaining) => Math.min(remaining * 0.1, 20),
 * };
 */
export interface RotationManagerOptions {
  /** The `TokenRegistry` (its backend, secret store, clock and policies are used). */
  registry: RotationRegistry;
  /** Where current values live. Default: `registry.secrets`. */
  secrets?: SecretStore;
  /** Journals and locks. Use a shared, durable store (FileStateStore or your own) in production. */
  state: StateStore;
  /**
   * How long the old generation keeps working after the new one is promoted. Default 24 h (0 with
   * `native: 'always'`). With 0, a backend with a native rotate (v3) rotates natively (see `native`).
   */
  gracePeriodMs?: number;
  /** Default: 10 % of the remaining balance rounded down to cents (0 when `gracePeriodMs` is 0). */
  graceAllowance?: GraceAllowance;
  /** Extra check of the new generation before it is promoted (e.g. one cheap API call with it). */
  verify?: VerifyHook;
  /** Default: `registry.clock`. Deadlines and lock leases are measured on it. */
  clock?: Clock;
  /** Lease of the per-token lock; a dead holder's lock is taken over after it. Default 5 min, max 1 h. */
  lockLeaseMs?: number;
  logger?: Logger;
  /** Default concurrency of bulk work (`rotateExpiring`, `resume`, `finalize`). Default 4. */
  concurrency?: number;
  /**
   * Use the backend's native rotate (same key, new value; the old value dies at once): `'auto'`
   * (default: when the backend has one and `gracePeriodMs` is 0), `'always'`, or `'never'`.
   */
  native?: NativeRotation;
  /**
   * Receives an audit event when a rotation starts, is promoted (the new value is current), is
   * finalized (the old generation revoked) or is rolled back, and for each leak response.
   */
  audit?: AuditSink;
  /** Who acts, in audit events. Default `unknown`. */
  actor?: string;
}

/**
 * The part of `TokenRegistry` the RotationManager uses.
 *
 * @example
 * const registry: RotationRegistry = new TokenRegistry({ backend, secrets, environments });
 */
export interface RotationRegistry {
  readonly backend: TokenBackend;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  parseName(tokenName: string): ParsedName | undefined;
  secretRefFor(logicalName: string): string;
  policyFor(environment: string): EnvironmentPolicy;
  get(name: string, options?: RequestOptions): Promise<ManagedToken>;
  snapshot(options?: RequestOptions): Promise<{ managed: ManagedToken[]; unmanaged: EdenToken[] }>;
}

/**
 * Options of `rotate(name, options)`.
 *
 * @example
 * await manager.rotate('prod-web-app', { expiresInDays: 90, signal: AbortSignal.timeout(60_000) });
 */
export interface RotateOptions {
  /** Expiry of the new generation in days from now. Default: see `RotationManager` ("Expiry rule"). */
  expiresInDays?: number;
  /** Aborts the rotation between steps and its requests; it then pauses, and `resume()` continues it. */
  signal?: AbortSignal;
}

/**
 * The outcome of a rotation. Never holds a token value: `migrationSteps` cite fingerprints.
 *
 * @example
 * const result: RotationResult = await manager.rotate('prod-web-app');
 * if (result.status === 'grace') console.log(`old token revoked after ${result.graceEndsAt?.toISOString()}`);
 * console.log(result.migrationSteps.join('\n'));
 */
export interface RotationResult {
  /** Logical name. */
  name: string;
  rotationId: string;
  oldTokenName: string;
  newTokenName: string;
  generation: number;
  /** `native`: same key, new value (`oldTokenName === newTokenName`); `generation`: a new token. */
  mode: RotationMode;
  /** `grace`: the old generation still works until `graceEndsAt`; `completed`: it is revoked. */
  status: 'grace' | 'completed';
  graceEndsAt: Date | null;
  /** Human instructions for the people running the services (no values). */
  migrationSteps: string[];
}

/**
 * Options of `status(name, options)`.
 *
 * @example
 * const s = await manager.status('prod-web-app', { signal: AbortSignal.timeout(5_000) });
 */
export interface StatusOptions {
  /** Checked before the journal and the lock are read (`status` sends no request to Eden). */
  signal?: AbortSignal;
}

/**
 * A rotation's journal, as `status(name)` reports it.
 *
 * @example
 * const s: RotationStatus | undefined = await manager.status('prod-web-app');
 * if (s?.error) console.warn(`${s.name} stopped at ${s.error.step}: ${s.error.message}`);
 */
export interface RotationStatus {
  name: string;
  rotationId: string;
  status: RotationPhase;
  /** The step running or last finished. */
  step: RotationStep;
  oldTokenName: string;
  newTokenName: string;
  generation: number;
  mode: RotationMode;
  startedAt: Date;
  updatedAt: Date;
  graceEndsAt: Date | null;
  /** USD kept by the old generation during the grace period (null: no budget). */
  allowance: number | null;
  /** USD the new generation was created with (null: no budget). */
  newBalance: number | null;
  error?: { step: RotationStep; message: string; at: Date; resumable: boolean };
  /** The lock, when someone holds it; `fence` is its fencing number (higher for every new holder). */
  lock?: { holder: string; leaseExpiresAt: Date; expired: boolean; fence: number };
}

/**
 * Options of `rotateExpiring(options)`.
 *
 * @example
 * await manager.rotateExpiring({ withinDays: 7, environment: 'prod', concurrency: 4, onProgress: console.log });
 */
export interface RotateExpiringOptions {
  /** Rotate tokens whose current generation expires within this many days (or has expired). */
  withinDays: number;
  environment?: string;
  /** Default: the manager's `concurrency` (4). */
  concurrency?: number;
  /** Return the plan; write nothing. */
  dryRun?: boolean;
  /** Called once per token, in completion order. */
  onProgress?: (progress: Progress) => void;
  /** Expiry of the new generations. Default: see `RotationManager` ("Expiry rule"). */
  expiresInDays?: number;
  /**
   * The run lists all tokens once; a token whose turn comes later than this after that list
   * triggers one fresh list (shared by the tokens after it), so the balance split is never
   * based on an older balance. Default 60 000 ms (on the manager's clock).
   */
  snapshotMaxAgeMs?: number;
  /** Aborts the run's list and its rotations (each pauses; `resume()` continues it). */
  signal?: AbortSignal;
}

/**
 * One token a bulk run would rotate (dry run) — no values.
 *
 * @example
 * const { planned } = await manager.rotateExpiring({ withinDays: 7, dryRun: true });
 * for (const p of planned) console.log(`${p.oldTokenName} → ${p.newTokenName}: $${p.newBalance}`);
 */
export interface PlannedRotation {
  name: string;
  /** `native`: the same key would get a new value (no split: `allowance` 0, `newBalance` = `balance`). */
  mode: RotationMode;
  oldTokenName: string;
  newTokenName: string;
  expireTime: Date | null;
  /** The current balance (null: no budget). */
  balance: number | null;
  /** What the old generation keeps for the grace period, and what the new one gets (USD). */
  allowance: number | null;
  newBalance: number | null;
  newExpireTime: Date | null;
}

/** A token a bulk run left alone, and why. @example const s: BulkSkip = { name: 'prod-web-app', reason: 'another process is rotating it' }; */
export interface BulkSkip {
  name: string;
  reason: string;
}

/** A token whose work failed in a bulk run. @example for (const f of run.failed) console.error(f.name, f.error.message); */
export interface BulkFailure {
  name: string;
  error: Error;
}

/** What `rotateExpiring` did (or, dry run, would do). @example const { rotated, failed, skipped } = await manager.rotateExpiring({ withinDays: 7 }); */
export interface RotateExpiringResult {
  dryRun: boolean;
  /** Dry run: what would be rotated. */
  planned: PlannedRotation[];
  rotated: RotationResult[];
  failed: BulkFailure[];
  skipped: BulkSkip[];
}

/**
 * Options of `resume(options)`.
 *
 * @example
 * await manager.resume({ concurrency: 2, signal: AbortSignal.timeout(300_000) });
 */
export interface ResumeOptions {
  /** Default: the manager's `concurrency` (4). */
  concurrency?: number;
  /** Aborts the rotations being continued (each pauses again; a later `resume()` continues it). */
  signal?: AbortSignal;
}

/** What `resume()` continued. @example const { resumed, failed } = await manager.resume(); */
export interface ResumeResult {
  resumed: RotationResult[];
  failed: BulkFailure[];
  skipped: BulkSkip[];
}

/** Options of `finalize(options)`. @example await manager.finalize({ force: true }); */
export interface FinalizeOptions {
  /** Revoke old generations even before their grace deadline. */
  force?: boolean;
  /** Default: the manager's `concurrency` (4). */
  concurrency?: number;
  /** Aborts the rotations being finished (each stays in its grace period; `finalize()` retries it). */
  signal?: AbortSignal;
}

/** What `finalize()` finished, and what is still in its grace period. @example const { finalized, pending } = await manager.finalize(); */
export interface FinalizeResult {
  finalized: RotationResult[];
  failed: BulkFailure[];
  /** Still in their grace period. */
  pending: { name: string; graceEndsAt: Date }[];
  skipped: BulkSkip[];
}

/**
 * The events of a RotationManager and their payloads: names, ids and steps, never values.
 *
 * @example
 * manager.on('rotation.step', (e: RotationEvents['rotation.step']) => log.info(`${e.name}: ${e.step}`));
 */
export interface RotationEvents {
  'rotation.started': {
    name: string;
    rotationId: string;
    oldTokenName: string;
    newTokenName: string;
    resumed: boolean;
  };
  'rotation.step': {
    name: string;
    rotationId: string;
    step: RotationStep;
    oldTokenName: string;
    newTokenName: string;
  };
  /** After `rotate()` (status `grace` or `completed`) and again after `finalize()` (status `completed`). */
  'rotation.succeeded': RotationResult;
  'rotation.failed': {
    name: string;
    rotationId: string;
    step: RotationStep;
    message: string;
    resumable: boolean;
    rolledBack: boolean;
  };
}

/** @example const event: RotationEventName = 'rotation.failed'; */
export type RotationEventName = keyof RotationEvents;
/** @example const onFail: RotationListener<'rotation.failed'> = (e) => console.error(e.message); */
export type RotationListener<E extends RotationEventName> = (payload: RotationEvents[E]) => void;
