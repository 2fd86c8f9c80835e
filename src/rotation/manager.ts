import pLimit from 'p-limit';
import { InvalidInputError, RotationInProgressError } from '../core/errors.js';
import type { ManagedToken } from '../registry/types.js';
import { auditRotations } from './audit.js';
import { type BulkHost, rotateExpiring, type Snapshot, StaleSnapshot } from './bulk.js';
import {
  isUnfinished,
  type Journal,
  JournalStore,
  LeaseLock,
  type LoadedJournal,
  newJournal,
  readLock,
  toStatus,
} from './journal.js';
import { type LeakResponse, type LeakResponseOptions, respondToLeak } from './leak.js';
import {
  assertConcurrency,
  checkExpiresInDays,
  planRotation,
  type ResolvedRotationOptions,
  ROTATE_WINDOW_MS,
  type RotationPlan,
  resolveRotationOptions,
} from './plan.js';
import { RotationEmitter, RotationRun, type RunDeps } from './run.js';
import { drive } from './runner.js';
import type {
  BulkFailure,
  BulkSkip,
  FinalizeOptions,
  FinalizeResult,
  ResumeOptions,
  ResumeResult,
  RotateExpiringOptions,
  RotateExpiringResult,
  RotateOptions,
  RotationEventName,
  RotationFailure,
  RotationFailureSource,
  RotationListener,
  RotationManagerOptions,
  RotationResult,
  RotationStatus,
  StatusOptions,
} from './types.js';

interface StartOptions {
  expiresInDays: number | undefined;
  windowMs: number;
  signal: AbortSignal | undefined;
  /** Overrides the manager's grace period for this rotation (a leak response uses 0). */
  gracePeriodMs?: number;
}

/**
 * Rotates Eden AI tokens with no downtime, surviving crashes, without ever raising the budget.
 *
 * Each logical token (`prod-web-app`) rotates to its next generation (`prod-web-app--g2`, `--g3`…)
 * through journaled, idempotent steps: **lock** the token, **snapshot** the current generation,
 * **drain** it to the grace allowance, **create** the new generation funded with the rest, **read**
 * its value into a pending SecretStore entry, **verify** it, **promote** it to the current entry,
 * and **finish**: after the grace period (`finalize()`), or at once when `gracePeriodMs` is 0, move
 * what the old generation has left to the new one and revoke the old one.
 *
 * Guarantees: the SecretStore entry at `registry.secretRefFor(name)` always names a live token;
 * the two generations together never hold more than the old balance (balances are always lowered
 * before anything is raised); a crash or a lost response at any step is continued by `resume()`
 * (in any process sharing the same `state` store), and running it twice does nothing new.
 * Recovery and rollback act only on what they have proven: only a 404 proves a token absent, so a
 * lookup refused with 401 or 403 (a wrong key, a gateway) pauses the rotation for `resume()`, and
 * a rollback revokes a new generation whose create answer was lost before the old one gets
 * anything back. Before its first write at Eden a rotation checks that its SecretStore can write
 * and delete (a throwaway entry at the pending key): a read-only store (`EnvSecretStore`) ends it
 * there, with nothing changed.
 *
 * Budget: Eden can only SET a balance, so each move is read-then-set, and spending that happens
 * between the read and the set is the one thing a rotation can get wrong. The windows are kept
 * short: `rotate()` reads the balance one request before draining it; a bulk run reads it from its
 * list, refreshed when older than `snapshotMaxAgeMs` (default 60 s); a resumed rotation re-reads
 * it. After a crash, a move whose outcome cannot be told from the backend is treated as done: a
 * crash can forfeit the old generation's leftover allowance, never give budget twice.
 *
 * Expiry rule of a new generation: `expiresInDays` if given, else the environment's
 * `expiry.defaultDays`, else the old expiry when it is further away than the rotation window (7 days
 * for `rotate()`, `withinDays` for `rotateExpiring()`), else `expiry.maxDays` when the policy requires
 * an expiry, else none; never beyond `expiry.maxDays`.
 *
 * Request budget with `gracePeriodMs: 0`: 4 requests per token (drain, create funded, read the
 * value, delete the old generation), plus one list per `rotate()` or per bulk run. Pace them
 * with the client's `maxRequestsPerSecond` (or a shared `rateLimiter`).
 *
 * On the v3 Management API (`ManagementKeyBackend`), which has a native rotate (same key, new
 * value, the old value dead at once), the `native` option (default `'auto'`) chooses the method:
 * - With a grace period, rotation stays generation-based: the only way to zero downtime, since the
 *   old value keeps working until every service has reloaded. The new generation's value comes
 *   from its create answer (v3 reads never return one); if a crash lost that answer, `resume()`
 *   rotates the unused new generation for a value instead of recreating it.
 * - With `gracePeriodMs: 0` (or `native: 'always'`), the key is rotated natively: it keeps its id,
 *   budget and usage history, nothing is drained, split or revoked, and `finalize()` has nothing to
 *   do. The trade-off: services holding the old value get 401s until they reload. Steps: `snapshot`,
 *   `rotate` (journaled as started BEFORE the call; the one-time value is then written to the
 *   current entry with compare-and-set, before anything else, even the lock renewal), `verify`,
 *   `finish` (sets the planned expiry when it differs from the key's, so an expiring key gets a
 *   new lease of life). A crash or lost answer during `rotate` is resumed by rotating again (the
 *   lost value was never delivered); an entry that already carries the rotation id means done.
 *   There is nothing to roll back to: a refused `verify` is reported (`RotationError`, not
 *   resumable; `failures()` lists it) and the new value stays stored. 1 request per token (2 when
 *   the expiry changes) plus one list per `rotate()` or per bulk run.
 *
 * A cron job (the tutorial's `0 2 * * *` recipe), run daily with a durable state store:
 * ```ts
 * // rotate-expiring.ts: `0 2 * * * node rotate-expiring.js >> /var/log/token_rotation.log 2>&1`
 * const manager = new RotationManager({ registry, state: new FileStateStore({ path: '/var/lib/edenai/state.json' }) });
 * await manager.resume();   // continue anything a crashed run left behind
 * await manager.finalize(); // revoke old generations whose grace period is over
 * const run = await manager.rotateExpiring({ withinDays: 7 });
 * for (const r of run.rotated) console.log(r.migrationSteps.join('\n'));
 * process.exitCode = run.failed.length > 0 ? 1 : 0;
 * ```
 * Or in a long-running process: `scheduleRotation(manager, { cron: '0 2 * * *', withinDays: 7 })`.
 *
 * @example
 * const manager = new RotationManager({ registry, state: new MemoryStateStore(), gracePeriodMs: 24 * 3600_000 });
 * manager.on('rotation.step', (e) => console.log(e.name, e.step));
 * const result = await manager.rotate('prod-web-app');
 * console.log(result.newTokenName, result.graceEndsAt, result.migrationSteps);
 * // a day later:
 * await manager.finalize();
 */
export class RotationManager implements RotationFailureSource {
  readonly #o: ResolvedRotationOptions;
  readonly #journals: JournalStore;
  readonly #emitter: RotationEmitter;
  readonly #deps: RunDeps;
  /** Identifies this manager as a lock holder. */
  readonly #holder = `rm-${globalThis.crypto.randomUUID()}`;
  /** Resolves once every audit event emitted so far is written. */
  readonly #audited: () => Promise<void>;
  /** Work in flight in this manager, by logical name: a second call joins it. */
  readonly #active = new Map<string, Promise<RotationResult | undefined>>();

  constructor(options: RotationManagerOptions) {
    this.#o = resolveRotationOptions(options);
    this.#journals = new JournalStore(this.#o.state);
    this.#emitter = new RotationEmitter(this.#o.logger);
    this.#deps = {
      backend: this.#o.registry.backend,
      secrets: this.#o.secrets,
      journals: this.#journals,
      clock: this.#o.clock,
      logger: this.#o.logger,
      emitter: this.#emitter,
      verify: this.#o.verify,
    };
    const { audit, actor, clock, logger, registry } = this.#o;
    this.#audited = audit
      ? auditRotations(this.#emitter, {
          sink: audit,
          actor,
          clock,
          logger,
          environmentOf: (name) => registry.parseName(name)?.environment,
          generationOf: (tokenName) => registry.parseName(tokenName)?.generation,
        })
      : () => Promise.resolve();
  }

  /**
   * Listens to `rotation.started`, `rotation.step`, `rotation.succeeded` or `rotation.failed`.
   * Payloads carry names, ids and steps, never values.
   * @example manager.on('rotation.failed', (e) => alert(`${e.name} failed at ${e.step}: ${e.message}`));
   */
  on<E extends RotationEventName>(event: E, listener: RotationListener<E>): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /**
   * Removes a listener added with `on`.
   * @example manager.off('rotation.step', onStep);
   */
  off<E extends RotationEventName>(event: E, listener: RotationListener<E>): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /**
   * Rotates one logical token (a generation's name is accepted too). Resolves once the new
   * generation is current: status `grace` (the old one still works until `graceEndsAt`) or
   * `completed` (`gracePeriodMs: 0`, or a native rotation: `mode: 'native'`). Throws
   * `RotationInProgressError` when another process is rotating it or it is in its grace period,
   * and `RotationError` when a step fails (`resumable` says whether `resume()` can continue it;
   * otherwise it was rolled back, or, native, nothing changed or the new value stays stored).
   *
   * @example
   * const { newTokenName, migrationSteps } = await manager.rotate('prod-web-app', { expiresInDays: 90 });
   */
  async rotate(name: string, options: RotateOptions = {}): Promise<RotationResult> {
    if (typeof options !== 'object' || options === null)
      throw new InvalidInputError('rotate options must be an object', { field: 'options' });
    for (const key of Object.keys(options)) {
      if (key !== 'expiresInDays' && key !== 'signal')
        throw new InvalidInputError(`Unknown rotate option "${key}"`, { field: key });
    }
    const parsed = this.#parse(name);
    checkExpiresInDays(
      parsed.environment,
      this.#o.registry.policyFor(parsed.environment),
      options.expiresInDays,
    );
    return this.#flushed(
      this.#start(parsed.logicalName, undefined, {
        expiresInDays: options.expiresInDays,
        windowMs: ROTATE_WINDOW_MS,
        signal: options.signal,
      }),
    );
  }

  /**
   * Rotates every token whose current generation expires within `withinDays` (or has expired),
   * with one list call for the whole run and `concurrency` rotations at a time. One failure does
   * not stop the others. `dryRun` returns the plan and writes nothing.
   *
   * @example
   * const plan = await manager.rotateExpiring({ withinDays: 7, dryRun: true });
   * const run = await manager.rotateExpiring({ withinDays: 7, onProgress: (p) => console.log(`${p.done}/${p.total}`) });
   */
  rotateExpiring(options: RotateExpiringOptions): Promise<RotateExpiringResult> {
    const host: BulkHost = {
      registry: this.#o.registry,
      journals: this.#journals,
      clock: this.#o.clock,
      concurrency: this.#o.concurrency,
      plan: (token, expiresInDays, windowMs) => this.#plan(token, expiresInDays, windowMs),
      start: (name, source, opts) => this.#start(name, source, opts),
    };
    return this.#flushed(rotateExpiring(host, options));
  }

  /**
   * Continues every unfinished rotation in the journal (after a crash, a timeout, a 5xx storm):
   * forward to its grace period, through `finish` when it has no grace period, or through its
   * rollback. Rotations locked by a live process are skipped. Running it twice does nothing new.
   *
   * @example
   * const { resumed, failed } = await manager.resume();
   */
  async resume(options: ResumeOptions = {}): Promise<ResumeResult> {
    const concurrency = this.#concurrency(options.concurrency);
    options.signal?.throwIfAborted();
    // Unfinished, or promoted with a finish that is due at once (no grace period) or was interrupted.
    const pending = (j: Journal) =>
      isUnfinished(j) || (j.status === 'grace' && (j.gracePeriodMs === 0 || j.step === 'finish'));
    const todo = (await this.#journals.all()).filter(({ journal }) => pending(journal));
    const out: ResumeResult = { resumed: [], failed: [], skipped: [] };
    await this.#flushed(
      this.#each(todo, concurrency, out.resumed, out.failed, out.skipped, pending, options.signal),
    );
    return out;
  }

  /**
   * Finishes rotations whose grace deadline has passed on the clock (`force`: all of them): what
   * the old generation has left moves to the new one, then the old generation is revoked.
   *
   * @example
   * const { finalized, pending } = await manager.finalize();
   * await manager.finalize({ force: true }); // revoke old generations now
   */
  async finalize(options: FinalizeOptions = {}): Promise<FinalizeResult> {
    if (typeof options !== 'object' || options === null)
      throw new InvalidInputError('finalize options must be an object', { field: 'options' });
    const concurrency = this.#concurrency(options.concurrency);
    options.signal?.throwIfAborted();
    const force = options.force === true;
    const now = this.#o.clock().getTime();
    const out: FinalizeResult = { finalized: [], failed: [], pending: [], skipped: [] };
    const due = (j: Journal) =>
      j.status === 'grace' && (force || j.graceEndsAt === null || Date.parse(j.graceEndsAt) <= now);
    const todo: LoadedJournal[] = [];
    for (const loaded of await this.#journals.all()) {
      const j = loaded.journal;
      if (due(j)) todo.push(loaded);
      else if (j.status === 'grace')
        out.pending.push({ name: j.name, graceEndsAt: new Date(j.graceEndsAt!) });
    }
    await this.#flushed(
      this.#each(todo, concurrency, out.finalized, out.failed, out.skipped, due, options.signal, true),
    );
    return out;
  }

  /**
   * The last rotation of a logical token as journaled (no backend call), or `undefined`.
   * @example const s = await manager.status('prod-web-app'); s?.status; // 'grace'
   */
  async status(name: string, options: StatusOptions = {}): Promise<RotationStatus | undefined> {
    const { logicalName } = this.#parse(name);
    options.signal?.throwIfAborted();
    const loaded = await this.#journals.load(logicalName);
    if (!loaded) return undefined;
    const status = toStatus(loaded.journal);
    const lock = await readLock(this.#o.state, logicalName);
    if (lock) {
      const leaseExpiresAt = new Date(lock.record.leaseExpiresAt);
      status.lock = {
        holder: lock.record.holder,
        leaseExpiresAt,
        expired: leaseExpiresAt.getTime() <= this.#o.clock().getTime(),
        fence: lock.record.fence ?? 0,
      };
    }
    return status;
  }

  /**
   * Emergency response to a leaked value of `name`: rotates with no grace period, so the leaked
   * generation is revoked at once (a rotation in its grace period is finished first: both of its
   * values may have leaked), stores the new value, sends a critical `leaked-token` alert to
   * `notifiers`, writes a `token.leak-response` audit event, and returns what services must do.
   * On the v3 Management API the key is rotated natively (same key, new value).
   *
   * @example
   * const r = await manager.respondToLeak('prod-web-app', { reason: 'committed to a public repo', notifiers });
   * console.log(r.actions.join('\n'));
   */
  async respondToLeak(name: string, options: LeakResponseOptions): Promise<LeakResponse> {
    if (typeof options?.reason !== 'string' || options.reason.trim() === '')
      throw new InvalidInputError('respondToLeak needs a reason: where the value was exposed', {
        field: 'reason',
      });
    const { logicalName, environment } = this.#parse(name);
    const response = respondToLeak(
      {
        clock: this.#o.clock,
        logger: this.#o.logger,
        audit: this.#o.audit,
        actor: this.#o.actor,
        environmentOf: () => environment,
        secretRefFor: (n) => this.#o.registry.secretRefFor(n),
        finishGrace: (n, signal) => this.#finishGrace(n, signal),
        rotateNow: (n, signal) =>
          this.#start(n, undefined, {
            expiresInDays: undefined,
            windowMs: ROTATE_WINDOW_MS,
            signal,
            gracePeriodMs: 0,
          }),
      },
      logicalName,
      options,
    );
    return this.#flushed(response);
  }

  /**
   * Rotations that need `resume()` or a human: paused on an error, interrupted (their process
   * died), rolled back, or whose finish failed. AlertSystem reads this.
   * @example for (const f of await manager.failures()) console.warn(f.name, f.step, f.message);
   */
  async failures(): Promise<RotationFailure[]> {
    const out: RotationFailure[] = [];
    const now = this.#o.clock().getTime();
    for (const { journal } of await this.#journals.all()) {
      let live = false;
      if (journal.status === 'running') {
        const lock = await readLock(this.#o.state, journal.name);
        live = this.#active.has(journal.name) || (!!lock && Date.parse(lock.record.leaseExpiresAt) > now);
      }
      const failure = failureOf(journal, live);
      if (failure) out.push(failure);
    }
    return out;
  }

  // ── internals ────────────────────────────────────────────────────────────

  #parse(name: string) {
    const parsed = typeof name === 'string' ? this.#o.registry.parseName(name) : undefined;
    if (!parsed) {
      throw new InvalidInputError(
        `${JSON.stringify(name)} is not a managed token name: expected {environment}-{app} of a declared environment`,
        { field: 'name' },
      );
    }
    return parsed;
  }

  #concurrency(value: number | undefined): number {
    return value === undefined ? this.#o.concurrency : assertConcurrency(value);
  }

  #plan(
    token: ManagedToken,
    expiresInDays: number | undefined,
    windowMs: number,
    gracePeriodMs = this.#o.gracePeriodMs,
  ): RotationPlan {
    return planRotation(token, {
      policy: this.#o.registry.policyFor(token.environment),
      now: this.#o.clock(),
      gracePeriodMs,
      graceAllowance: this.#o.graceAllowance,
      expiresInDays,
      windowMs,
      native: this.#native(gracePeriodMs),
    });
  }

  /** `work`, settled only once the audit events it emitted are written. */
  #flushed<T>(work: Promise<T>): Promise<T> {
    return work.finally(() => this.#audited());
  }

  /** Finishes `name`'s rotation now if it is in its grace period (its old generation revoked). */
  async #finishGrace(name: string, signal: AbortSignal | undefined): Promise<RotationResult | undefined> {
    const loaded = await this.#journals.load(name);
    if (loaded?.journal.status !== 'grace') return undefined;
    const out: FinalizeResult = { finalized: [], failed: [], pending: [], skipped: [] };
    const inGrace = (j: Journal) => j.status === 'grace';
    await this.#each([loaded], 1, out.finalized, out.failed, out.skipped, inGrace, signal, true);
    if (out.failed[0]) throw out.failed[0].error;
    if (out.skipped[0]) throw new RotationInProgressError(name, loaded.journal.rotationId);
    return out.finalized[0];
  }

  /** Whether new rotations use the backend's native rotate (see the `native` option). */
  #native(gracePeriodMs = this.#o.gracePeriodMs): boolean {
    const { native, registry } = this.#o;
    if (native === 'never' || typeof registry.backend.rotate !== 'function') return false;
    return native === 'always' || gracePeriodMs === 0;
  }

  /** Runs `work` unless work on `name` is in flight in this manager: then joins that. */
  #track(name: string, work: () => Promise<RotationResult | undefined>): Promise<RotationResult | undefined> {
    const running = this.#active.get(name);
    if (running) return running;
    const promise = work().finally(() => this.#active.delete(name));
    this.#active.set(name, promise);
    return promise;
  }

  /** Starts (or, for an unfinished journal, continues) the rotation of `name`. */
  async #start(
    name: string,
    source: (() => Promise<Snapshot>) | undefined,
    options: StartOptions,
  ): Promise<RotationResult> {
    for (;;) {
      // `undefined`: we joined a resume/finalize that found nothing to do; start our own.
      const result = await this.#track(name, () => this.#rotateLocked(name, source, options));
      if (result) return result;
    }
  }

  async #rotateLocked(
    name: string,
    source: (() => Promise<Snapshot>) | undefined,
    options: StartOptions,
  ): Promise<RotationResult> {
    const lock = new LeaseLock(this.#o.state, name, this.#holder, this.#o.lockLeaseMs, this.#o.clock);
    await lock.acquire(null);
    let handedOver = false;
    try {
      const loaded = await this.#journals.load(name);
      if (loaded && isUnfinished(loaded.journal)) {
        handedOver = true;
        return await this.#drive(loaded, lock, options.signal);
      }
      if (loaded?.journal.status === 'grace') {
        const ends = loaded.journal.graceEndsAt;
        throw new RotationInProgressError(name, loaded.journal.rotationId, ends ? new Date(ends) : undefined);
      }
      const snapshot = source
        ? await source()
        : {
            token: await this.#o.registry.get(name, options.signal ? { signal: options.signal } : undefined),
            takenAt: this.#o.clock(),
          };
      if (source && loaded && Date.parse(loaded.journal.updatedAt) > snapshot.takenAt.getTime())
        throw new StaleSnapshot(`${name} was rotated after this run listed it`);
      const gracePeriodMs = options.gracePeriodMs ?? this.#o.gracePeriodMs;
      const plan = this.#plan(snapshot.token, options.expiresInDays, options.windowMs, gracePeriodMs);
      const journal = newJournal(plan, gracePeriodMs, this.#o.clock(), lock.fence);
      const version = await this.#journals.save(journal, loaded?.version ?? null);
      handedOver = true;
      const run = new RotationRun(this.#deps, { journal, version }, lock, options.signal);
      this.#emitter.emit('rotation.started', {
        name,
        rotationId: journal.rotationId,
        oldTokenName: journal.oldTokenName,
        newTokenName: journal.newTokenName,
        resumed: false,
      });
      this.#emitter.emit('rotation.step', {
        name,
        rotationId: journal.rotationId,
        step: 'snapshot',
        oldTokenName: journal.oldTokenName,
        newTokenName: journal.newTokenName,
      });
      return await drive(run, journal.gracePeriodMs === 0);
    } finally {
      if (!handedOver) await lock.release().catch(() => {});
    }
  }

  #drive(loaded: LoadedJournal, lock: LeaseLock, signal: AbortSignal | undefined, finalize = false) {
    const run = new RotationRun(this.#deps, loaded, lock, signal, true);
    const j = loaded.journal;
    this.#emitter.emit('rotation.started', {
      name: j.name,
      rotationId: j.rotationId,
      oldTokenName: j.oldTokenName,
      newTokenName: j.newTokenName,
      resumed: true,
    });
    return drive(run, finalize || j.gracePeriodMs === 0 || j.step === 'finish');
  }

  /** resume / finalize: lock each journal, check it still qualifies, drive it. */
  async #each(
    todo: LoadedJournal[],
    concurrency: number,
    done: RotationResult[],
    failed: BulkFailure[],
    skipped: BulkSkip[],
    qualifies: (j: Journal) => boolean,
    signal: AbortSignal | undefined,
    finalize = false,
  ): Promise<void> {
    const limit = pLimit(concurrency);
    await Promise.all(
      todo.map(({ journal: { name } }) =>
        limit(async () => {
          try {
            const result = await this.#track(name, async () => {
              const lock = new LeaseLock(
                this.#o.state,
                name,
                this.#holder,
                this.#o.lockLeaseMs,
                this.#o.clock,
              );
              await lock.acquire(null);
              let fresh: LoadedJournal | undefined;
              try {
                fresh = await this.#journals.load(name);
              } finally {
                if (!fresh || !qualifies(fresh.journal)) await lock.release().catch(() => {});
              }
              return fresh && qualifies(fresh.journal)
                ? this.#drive(fresh, lock, signal, finalize)
                : undefined;
            });
            if (result) done.push(result);
          } catch (error) {
            if (error instanceof RotationInProgressError)
              skipped.push({ name, reason: 'locked by another process (its lease has not passed)' });
            else failed.push({ name, error: error as Error });
          }
        }),
      ),
    );
  }
}

/**
 * The failure a journal stands for, or `undefined` when it needs nothing: completed, in its grace
 * period without error, or running in a live process (`live`).
 */
function failureOf(j: Journal, live: boolean): RotationFailure | undefined {
  const base = { name: j.name, rotationId: j.rotationId };
  const recorded = j.error && {
    ...base,
    step: j.error.step,
    message: j.error.message,
    at: new Date(j.error.at),
  };
  switch (j.status) {
    case 'completed':
      // Native rotations whose new value failed verify end here with their error (no rollback).
      return recorded || undefined;
    case 'grace':
      return recorded || undefined;
    case 'running':
      if (live) return undefined;
      return {
        ...base,
        step: j.step,
        message: 'interrupted: its process stopped; resume() continues it',
        at: new Date(j.updatedAt),
      };
    case 'rolledBack':
      return (
        recorded || {
          ...base,
          step: j.step,
          message: `rolled back: ${j.rollbackReason ?? 'unknown reason'}`,
          at: new Date(j.updatedAt),
        }
      );
    default:
      // failed, rollingBack
      return (
        recorded || {
          ...base,
          step: j.step,
          message: `${j.status}; resume() continues it`,
          at: new Date(j.updatedAt),
        }
      );
  }
}
