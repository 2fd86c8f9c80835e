import { Cron } from 'croner';
import { InvalidInputError } from '../core/errors.js';
import type { RotationManager } from './manager.js';
import type { FinalizeResult, ResumeResult, RotateExpiringOptions, RotateExpiringResult } from './types.js';

/**
 * Options of `scheduleRotation`: a cron pattern plus `rotateExpiring`'s options.
 *
 * @example
 * const options: ScheduleRotationOptions = { cron: '0 2 * * *', timeZone: 'UTC', withinDays: 7 };
 */
export interface ScheduleRotationOptions extends Omit<RotateExpiringOptions, 'dryRun' | 'signal'> {
  /** Cron pattern (5 or 6 fields), e.g. `'0 2 * * *'`: every day at 02:00. */
  cron: string;
  /** IANA time zone of the pattern, e.g. `'Europe/Paris'`. Default: the process's. */
  timeZone?: string;
  /** Before each run, `resume()` interrupted rotations and `finalize()` due ones. Default true. */
  maintenance?: boolean;
  /** Receives each run's report. */
  onRun?: (report: ScheduledRotationReport) => void;
  /** Receives an error that stopped a run (a failed rotation is in the report, not here). */
  onError?: (error: unknown) => void;
}

/** One scheduled run. @example onRun: (r: ScheduledRotationReport) => console.log(r.rotation.rotated.length) */
export interface ScheduledRotationReport {
  startedAt: Date;
  resumed?: ResumeResult;
  finalized?: FinalizeResult;
  rotation: RotateExpiringResult;
}

/** A running schedule. @example const s: ScheduledRotation = scheduleRotation(manager, options); s.stop(); */
export interface ScheduledRotation {
  /** Stops the schedule (a run in progress finishes). */
  stop(): void;
  /** When the next run is due, or `null` once stopped. */
  nextRun(): Date | null;
  /** Runs now (outside the schedule) and resolves when done. */
  trigger(): Promise<void>;
}

/**
 * Runs `rotateExpiring` on a cron schedule inside a long-running process (with `croner`). Runs
 * never overlap; each one first resumes interrupted rotations and finalizes due ones. For a system
 * cron job instead, see the recipe on `RotationManager`.
 *
 * @example
 * const schedule = scheduleRotation(manager, {
 *   cron: '0 2 * * *',            // every day at 02:00
 *   timeZone: 'Europe/Paris',
 *   withinDays: 7,
 *   onRun: (r) => console.log(`rotated ${r.rotation.rotated.length}, failed ${r.rotation.failed.length}`),
 *   onError: (e) => console.error(e),
 * });
 * schedule.nextRun(); // Date
 * process.on('SIGTERM', () => schedule.stop());
 */
export function scheduleRotation(
  manager: RotationManager,
  options: ScheduleRotationOptions,
): ScheduledRotation {
  if (typeof options !== 'object' || options === null || typeof options.cron !== 'string')
    throw new InvalidInputError('scheduleRotation needs { cron, withinDays }', { field: 'cron' });
  const { cron, timeZone, maintenance = true, onRun, onError, ...rotateOptions } = options;
  if (typeof rotateOptions.withinDays !== 'number')
    throw new InvalidInputError('scheduleRotation needs withinDays', { field: 'withinDays' });
  const once = async () => {
    try {
      const startedAt = new Date();
      const resumed = maintenance ? await manager.resume() : undefined;
      const finalized = maintenance ? await manager.finalize() : undefined;
      const rotation = await manager.rotateExpiring(rotateOptions);
      onRun?.({ startedAt, rotation, ...(resumed ? { resumed } : {}), ...(finalized ? { finalized } : {}) });
    } catch (error) {
      onError?.(error);
    }
  };
  // Runs never overlap, whether started by the schedule or by trigger().
  let running: Promise<void> | undefined;
  const run = (): Promise<void> => {
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  };
  let job: Cron;
  try {
    job = new Cron(cron, { protect: true, ...(timeZone ? { timezone: timeZone } : {}) }, run);
  } catch (error) {
    throw new InvalidInputError(`Invalid cron pattern ${JSON.stringify(cron)}: ${(error as Error).message}`, {
      field: 'cron',
    });
  }
  return {
    stop: () => job.stop(),
    nextRun: () => job.nextRun(),
    trigger: () => run(),
  };
}
