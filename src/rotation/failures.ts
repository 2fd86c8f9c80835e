// What `failures()` reports: rotations that need resume() or a human.
import type { Journal } from './journal.js';
import type { RotationFailure } from './types.js';

/**
 * The failure a journal stands for, or `undefined` when it needs nothing: completed, in its grace
 * period without error, or running in a live process (`live`).
 */
export function failureOf(j: Journal, live: boolean): RotationFailure | undefined {
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
