// One idempotent pass for schedulers (a CronJob, a GitHub Actions schedule, a systemd timer):
// resume → apply the desired state → rotate what expires soon → finalize → alerts → metrics.
import type { AlertSystem } from '../alerts/alert-system.js';
import { InvalidInputError } from '../core/errors.js';
import { MINUTE_MS } from '../core/time.js';
import type { FleetMetrics } from '../metrics/fleet.js';
import type { StateStore } from '../ports/stores.js';
import type { TokenRegistry } from '../registry/registry.js';
import type { DesiredState } from '../registry/types.js';
import type { RotationManager } from '../rotation/manager.js';
import type { BulkFailure, BulkSkip } from '../rotation/types.js';
import { ListCacheBackend } from './list-cache.js';
import { acquirePassLease } from './pass-lock.js';

/** The steps of a pass, in order; a failure names the step it happened in. */
export type ReconcileStep = 'resume' | 'apply' | 'rotate' | 'finalize' | 'alerts' | 'metrics';

const DEFAULT_LEASE_MS = 30 * MINUTE_MS;

/**
 * Options of `reconcile(options)`.
 *
 * @example
 * const options: ReconcileOptions = { registry, rotation, alerts, desired, rotateWithinDays: 7, state };
 */
export interface ReconcileOptions {
  registry: TokenRegistry;
  /** A RotationManager on the same registry. */
  rotation: RotationManager;
  /** Runs the alert rules and sends each new alert once. Default: no alerts step. */
  alerts?: AlertSystem;
  /** The desired tokens (`plan`'s input). Default: no apply step. */
  desired?: DesiredState;
  /** Also delete managed tokens of the environments `desired` names but no longer lists. Default false. */
  prune?: boolean;
  /** Rotate tokens whose current generation expires within this many days (or has expired). */
  rotateWithinDays: number;
  /** Fed with the pass's token list and rotation states (no extra request). */
  metrics?: FleetMetrics;
  /**
   * Shared by every copy of the job (Redis, a file on a shared volume…): a copy that starts while
   * another one's pass holds the lease returns `status: 'skipped'` and changes nothing. Without
   * it, concurrent copies still never rotate one token twice (rotation locks), but both may try
   * the same `apply` action and one of them reports it failed.
   */
  state?: StateStore;
  /** How long a pass lease lasts before another copy may take it over (a crashed pass). Default 30 min. */
  leaseMs?: number;
  signal?: AbortSignal;
}

/** A piece of work that failed; the pass goes on with the rest. @example const f: ReconcileFailure = { step: 'rotate', name: 'prod-web-app', message: '…' }; */
export interface ReconcileFailure {
  step: ReconcileStep;
  /** The token (or notifier, for `alerts`) concerned, when there is one. */
  name?: string;
  message: string;
  /** The SDK error code, when the error has one. */
  code?: string;
}

/**
 * What one pass did. Names only, never a value.
 *
 * @example
 * const summary: ReconcileSummary = await reconcile({ registry, rotation, rotateWithinDays: 7 });
 * if (summary.status === 'failed') for (const f of summary.failures) console.error(f.step, f.name, f.message);
 */
export interface ReconcileSummary {
  /**
   * `ok`: nothing failed and no warning or critical alert holds; `alerts`: done, with such alerts;
   * `failed`: some work failed (see `failures`); `skipped`: another copy's pass holds the lease.
   */
  status: 'ok' | 'alerts' | 'failed' | 'skipped';
  /** Whether this pass wrote anything to Eden (a second pass in a row reports `false`). */
  changed: boolean;
  startedAt: Date;
  finishedAt: Date;
  /** Rotations continued after an interruption. */
  resumed: string[];
  applied: { created: string[]; updated: string[]; deleted: string[] };
  rotated: string[];
  finalized: string[];
  /** Rotations still in their grace period. */
  inGrace: { name: string; graceEndsAt: Date }[];
  /** Tokens left alone, and why (another process is rotating one…). */
  skipped: { step: ReconcileStep; name: string; reason: string }[];
  /** Present when an AlertSystem ran: alerts holding now, by severity, and alerts sent this pass. */
  alerts?: { info: number; warning: number; critical: number; sent: number };
  failures: ReconcileFailure[];
}

function failure(step: ReconcileStep, error: unknown, name?: string): ReconcileFailure {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return {
    step,
    ...(name === undefined ? {} : { name }),
    message: e.message,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

function checkOptions(o: ReconcileOptions): void {
  if (typeof o !== 'object' || o === null) throw new InvalidInputError('reconcile needs an options object');
  if (!(Number.isInteger(o.rotateWithinDays) && o.rotateWithinDays >= 0)) {
    throw new InvalidInputError(
      `rotateWithinDays must be a whole number of days ≥ 0, got ${String(o.rotateWithinDays)}`,
      { field: 'rotateWithinDays' },
    );
  }
  if (o.leaseMs !== undefined && !(Number.isFinite(o.leaseMs) && o.leaseMs > 0)) {
    throw new InvalidInputError(`leaseMs must be a positive number of ms, got ${String(o.leaseMs)}`, {
      field: 'leaseMs',
    });
  }
}

/**
 * One pass of everything a scheduled job does, safe to run as often as you like: resumes
 * interrupted rotations, applies `desired` (deleting only with `prune`), rotates tokens expiring
 * within `rotateWithinDays`, finalizes rotations whose grace period is over, runs the alerts and
 * records the fleet metrics. A second pass in a row changes nothing; a pass killed at any point
 * converges on the next one. Per-token failures are collected in `failures` and the pass goes
 * on; it rejects only when a whole step cannot run (the registry or a store unreachable, bad
 * credentials, `signal` aborted).
 *
 * With a registry on a `ListCacheBackend`, a pass with nothing to do sends one list request
 * (v3: its pages) and, with alerts that forecast, one cost query.
 *
 * @example
 * const summary = await reconcile({ registry, rotation, alerts, desired, rotateWithinDays: 7, state });
 * process.exitCode = summary.status === 'failed' ? 6 : 0;
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileSummary> {
  checkOptions(options);
  const { registry, signal } = options;
  signal?.throwIfAborted();
  const startedAt = registry.clock();
  const summary: ReconcileSummary = {
    status: 'ok',
    changed: false,
    startedAt,
    finishedAt: startedAt,
    resumed: [],
    applied: { created: [], updated: [], deleted: [] },
    rotated: [],
    finalized: [],
    inGrace: [],
    skipped: [],
    failures: [],
  };
  const lease = options.state
    ? await acquirePassLease(options.state, startedAt, options.leaseMs ?? DEFAULT_LEASE_MS)
    : undefined;
  if (options.state && !lease) {
    summary.status = 'skipped';
    return summary;
  }
  try {
    const backend = registry.backend;
    const pass = () => runPass(options, summary);
    await (backend instanceof ListCacheBackend ? backend.hold(pass) : pass());
  } finally {
    await lease?.release();
  }
  summary.finishedAt = registry.clock();
  summary.changed =
    summary.resumed.length +
      summary.applied.created.length +
      summary.applied.updated.length +
      summary.applied.deleted.length +
      summary.rotated.length +
      summary.finalized.length >
    0;
  const alarming = (summary.alerts?.warning ?? 0) + (summary.alerts?.critical ?? 0) > 0;
  summary.status = summary.failures.length > 0 ? 'failed' : alarming ? 'alerts' : 'ok';
  return summary;
}

function collect(
  summary: ReconcileSummary,
  step: ReconcileStep,
  failed: readonly BulkFailure[],
  skipped: readonly BulkSkip[],
): void {
  for (const f of failed) summary.failures.push(failure(step, f.error, f.name));
  for (const s of skipped) summary.skipped.push({ step, name: s.name, reason: s.reason });
}

async function runPass(o: ReconcileOptions, summary: ReconcileSummary): Promise<void> {
  const { registry, rotation, signal } = o;
  const request = signal ? { signal } : {};

  const resumed = await rotation.resume(request);
  summary.resumed = resumed.resumed.map((r) => r.name);
  collect(summary, 'resume', resumed.failed, resumed.skipped);

  if (o.desired) {
    const plan = await registry.plan(o.desired, { prune: o.prune === true, ...request });
    if (plan.actions.length > 0) {
      const applied = await registry.apply(plan, request);
      for (const r of applied.results) {
        if (!r.ok) summary.failures.push(failure('apply', r.error, r.action.name));
        else if (r.action.type === 'create') summary.applied.created.push(r.action.name);
        else if (r.action.type === 'update') summary.applied.updated.push(r.action.name);
        else summary.applied.deleted.push(r.action.name);
      }
    }
  }

  const rotated = await rotation.rotateExpiring({ withinDays: o.rotateWithinDays, ...request });
  summary.rotated = rotated.rotated.map((r) => r.name);
  collect(summary, 'rotate', rotated.failed, rotated.skipped);

  const finalized = await rotation.finalize(request);
  summary.finalized = finalized.finalized.map((r) => r.name);
  summary.inGrace = finalized.pending;
  collect(summary, 'finalize', finalized.failed, finalized.skipped);

  if (o.alerts) {
    const report = await o.alerts.run(request);
    const count = (s: string) => report.alerts.filter((a) => a.severity === s).length;
    summary.alerts = {
      info: count('info'),
      warning: count('warning'),
      critical: count('critical'),
      sent: report.sent.length,
    };
    for (const f of report.failures) summary.failures.push(failure('alerts', f.error, f.notifier));
  }

  if (o.metrics) {
    const [tokens, failures] = await Promise.all([registry.list(request), rotation.failures()]);
    o.metrics.record(tokens, {
      grace: summary.inGrace.map((g) => g.name),
      failed: failures.map((f) => f.name),
    });
  }
}
