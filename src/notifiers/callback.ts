import type { Alert } from '../alerts/types.js';
import { ConfigurationError } from '../core/errors.js';
import type { Notifier } from '../ports/notifier.js';

/**
 * Hands alerts to your function: page someone, write a ticket, push a metric. A throw or a
 * rejection counts as a failed delivery: the same alerts come back next run.
 *
 * @example
 * new CallbackNotifier(async (alerts) => {
 *   for (const a of alerts) await metrics.increment('edenai.alert', { kind: a.kind });
 * });
 */
export class CallbackNotifier implements Notifier {
  readonly name: string;
  private readonly callback: (alerts: Alert[]) => unknown;

  constructor(callback: (alerts: Alert[]) => unknown, options: { name?: string } = {}) {
    if (typeof callback !== 'function') {
      throw new ConfigurationError(
        'CallbackNotifier needs a function: new CallbackNotifier(async (alerts) => …)',
      );
    }
    this.callback = callback;
    this.name = options.name ?? 'callback';
  }

  async notify(alerts: Alert[]): Promise<void> {
    await this.callback(alerts);
  }
}
