// rotateExpiring: one list for the whole run, then the rotations with bounded concurrency. The list
// is refreshed (once, shared) only when a token's turn comes too long after it, so a budget split is
// never computed from an old balance.
import pLimit from 'p-limit';
import { InvalidInputError, NotFoundError, RotationInProgressError } from '../core/errors.js';
import { MAX_EXPIRY_DAYS } from '../core/limits.js';
import { fromCents } from '../core/money.js';
import { DAY_MS } from '../core/time.js';
import type { Clock, RequestOptions } from '../core/types.js';
import type { ManagedToken } from '../registry/types.js';
import type { JournalStore } from './journal.js';
import { assertConcurrency, checkExpiresInDays, type RotationPlan } from './plan.js';
import type {
  BulkFailure,
  BulkSkip,
  PlannedRotation,
  RotateExpiringOptions,
  RotateExpiringResult,
  RotationRegistry,
  RotationResult,
} from './types.js';

const DEFAULT_SNAPSHOT_MAX_AGE_MS = 60_000;
const KNOWN = new Set([
  'withinDays',
  'environment',
  'concurrency',
  'dryRun',
  'onProgress',
  'expiresInDays',
  'snapshotMaxAgeMs',
  'signal',
]);

export interface BulkHost {
  registry: RotationRegistry;
  journals: JournalStore;
  clock: Clock;
  concurrency: number;
  plan(token: ManagedToken, expiresInDays: number | undefined, windowMs: number): RotationPlan;
  start(
    name: string,
    source: () => Promise<Snapshot>,
    options: { expiresInDays: number | undefined; windowMs: number; signal: AbortSignal | undefined },
  ): Promise<RotationResult>;
}

function validate(host: BulkHost, options: RotateExpiringOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidInputError('rotateExpiring needs { withinDays }', { field: 'options' });
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key))
      throw new InvalidInputError(`Unknown rotateExpiring option "${key}"`, { field: key });
  }
  const { withinDays, environment, concurrency, snapshotMaxAgeMs, onProgress } = options;
  if (
    typeof withinDays !== 'number' ||
    !Number.isFinite(withinDays) ||
    withinDays < 0 ||
    withinDays > MAX_EXPIRY_DAYS
  )
    throw new InvalidInputError(
      `withinDays must be a number of days from 0 to ${MAX_EXPIRY_DAYS}, got ${String(withinDays)}`,
      {
        field: 'withinDays',
      },
    );
  if (environment !== undefined) {
    const policy = host.registry.policyFor(environment);
    checkExpiresInDays(environment, policy, options.expiresInDays);
  } else if (options.expiresInDays !== undefined) {
    // Checked per environment below; here only the shape.
    if (!Number.isInteger(options.expiresInDays) || options.expiresInDays < 1)
      throw new InvalidInputError('expiresInDays must be a positive integer', { field: 'expiresInDays' });
  }
  if (concurrency !== undefined) assertConcurrency(concurrency);
  if (snapshotMaxAgeMs !== undefined && !(typeof snapshotMaxAgeMs === 'number' && snapshotMaxAgeMs >= 0))
    throw new InvalidInputError('snapshotMaxAgeMs must be a number ≥ 0', { field: 'snapshotMaxAgeMs' });
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new InvalidInputError('onProgress must be a function', { field: 'onProgress' });
}

export async function rotateExpiring(
  host: BulkHost,
  options: RotateExpiringOptions,
): Promise<RotateExpiringResult> {
  validate(host, options);
  const { withinDays, environment, dryRun = false, expiresInDays } = options;
  const request: RequestOptions | undefined = options.signal ? { signal: options.signal } : undefined;
  const feed = new SnapshotFeed(
    () => host.registry.snapshot(request),
    host.clock,
    options.snapshotMaxAgeMs ?? DEFAULT_SNAPSHOT_MAX_AGE_MS,
  );
  const managed = await feed.load();
  const now = host.clock();
  const cutoff = now.getTime() + withinDays * DAY_MS;
  const windowMs = withinDays * DAY_MS;
  const expiring = managed.filter(
    (t) =>
      (environment === undefined || t.environment === environment) &&
      t.expireTime !== null &&
      t.expireTime.getTime() <= cutoff,
  );
  const result: RotateExpiringResult = { dryRun, planned: [], rotated: [], failed: [], skipped: [] };
  const todo: ManagedToken[] = [];
  for (const token of expiring) {
    const loaded = await host.journals.load(token.name);
    const status = loaded?.journal.status;
    if (status === 'grace') {
      result.skipped.push({
        name: token.name,
        reason: `in its grace period until ${loaded!.journal.graceEndsAt}; finalize() first`,
      });
    } else if (dryRun && (status === 'running' || status === 'failed' || status === 'rollingBack')) {
      result.skipped.push({
        name: token.name,
        reason: `unfinished rotation (${status}); resume() continues it`,
      });
    } else todo.push(token);
  }
  if (dryRun) {
    for (const token of todo) {
      try {
        checkExpiresInDays(token.environment, host.registry.policyFor(token.environment), expiresInDays);
        result.planned.push(toPlanned(token, host.plan(token, expiresInDays, windowMs)));
      } catch (error) {
        result.failed.push({ name: token.name, error: error as Error });
      }
    }
    return result;
  }
  await runAll(host, todo, options, feed, windowMs, result);
  return result;
}

async function runAll(
  host: BulkHost,
  todo: ManagedToken[],
  options: RotateExpiringOptions,
  feed: SnapshotFeed,
  windowMs: number,
  result: RotateExpiringResult,
): Promise<void> {
  const limit = pLimit(options.concurrency ?? host.concurrency);
  let done = 0;
  const total = todo.length;
  const rotated: RotationResult[] = [];
  const failed: BulkFailure[] = [];
  const skipped: BulkSkip[] = [];
  await Promise.all(
    todo.map((token) =>
      limit(async () => {
        let ok = false;
        try {
          checkExpiresInDays(
            token.environment,
            host.registry.policyFor(token.environment),
            options.expiresInDays,
          );
          rotated.push(
            await host.start(token.name, () => feed.get(token.name), {
              expiresInDays: options.expiresInDays,
              windowMs,
              signal: options.signal,
            }),
          );
          ok = true;
        } catch (error) {
          if (error instanceof RotationInProgressError)
            skipped.push({ name: token.name, reason: 'another process is rotating it' });
          else if (error instanceof StaleSnapshot)
            skipped.push({ name: token.name, reason: 'rotated by someone else during this run' });
          else failed.push({ name: token.name, error: error as Error });
        }
        done++;
        try {
          options.onProgress?.({ done, total, name: token.name, ok });
        } catch {
          // A progress callback must not stop the run.
        }
      }),
    ),
  );
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  result.rotated = rotated.sort(byName);
  result.failed = failed.sort(byName);
  result.skipped = [...result.skipped, ...skipped].sort(byName);
}

function toPlanned(token: ManagedToken, plan: RotationPlan): PlannedRotation {
  return {
    name: token.name,
    mode: plan.mode,
    oldTokenName: plan.oldTokenName,
    newTokenName: plan.newTokenName,
    expireTime: token.expireTime,
    balance: plan.budgeted ? token.balance : null,
    allowance: plan.budgeted ? fromCents(plan.allowanceCents) : null,
    newBalance: plan.budgeted ? fromCents(plan.newBalanceCents) : null,
    newExpireTime: plan.newExpireTime,
  };
}

// ── the run's token data ─────────────────────────────────────────────────

export interface Snapshot {
  token: ManagedToken;
  /** When the list that produced `token` was requested. */
  takenAt: Date;
}

/** The token changed (another rotation ran) after the list this run is working from. */
export class StaleSnapshot extends Error {
  override name = 'StaleSnapshot';
}

export class SnapshotFeed {
  #byName = new Map<string, ManagedToken>();
  #takenAt = new Date(0);
  #refreshing: Promise<ManagedToken[]> | undefined;
  /** How many lists this feed made. */
  lists = 0;

  constructor(
    private readonly list: () => Promise<{ managed: ManagedToken[] }>,
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
  ) {}

  /** Lists every token (one backend call). Concurrent callers share one list. */
  load(): Promise<ManagedToken[]> {
    this.#refreshing ??= this.#load().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #load(): Promise<ManagedToken[]> {
    const takenAt = this.clock();
    this.lists++;
    const { managed } = await this.list();
    this.#byName = new Map(managed.map((t) => [t.name, t]));
    this.#takenAt = takenAt;
    return managed;
  }

  /** One token, from a list no older than `maxAgeMs`; `NotFoundError` when it is gone. */
  async get(name: string): Promise<Snapshot> {
    if (this.clock().getTime() - this.#takenAt.getTime() > this.maxAgeMs) await this.load();
    const token = this.#byName.get(name);
    if (!token) throw new NotFoundError(`Token "${name}" not found`);
    return { token, takenAt: this.#takenAt };
  }
}
