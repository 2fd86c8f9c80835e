import type { Logger } from '../core/types.js';
import type { Notifier } from '../ports/notifier.js';
import type { Alert, NotifierFailure } from './types.js';

export interface DeliveryOutcome {
  /** Notifiers that accepted their batch, with that batch. */
  accepted: { notifier: Notifier; alerts: Alert[] }[];
  failures: NotifierFailure[];
}

/**
 * Hands each notifier its batch, all at once: a slow or failing notifier neither delays nor
 * stops the others, and a throw (even a synchronous one) becomes a listed failure.
 */
export async function deliver(
  batches: readonly { notifier: Notifier; alerts: Alert[] }[],
  logger: Logger,
): Promise<DeliveryOutcome> {
  const settled = await Promise.allSettled(
    batches.map(async ({ notifier, alerts }) => {
      await notifier.notify(alerts);
    }),
  );
  const outcome: DeliveryOutcome = { accepted: [], failures: [] };
  settled.forEach((result, i) => {
    const batch = batches[i]!;
    if (result.status === 'fulfilled') outcome.accepted.push(batch);
    else {
      const error = result.reason instanceof Error ? result.reason : new Error(String(result.reason));
      outcome.failures.push({ notifier: batch.notifier.name, error });
      logger.warn('alerts: notifier failed; it will be retried next run', {
        notifier: batch.notifier.name,
        alerts: batch.alerts.length,
        error: error.message,
      });
    }
  });
  return outcome;
}
