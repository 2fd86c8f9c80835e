// Notifiers that stay in the process: a line per alert on the console, or your own function.

import { SEVERITY_ICON } from '../alerts/format.js';
import { ConfigurationError } from '../core/errors.js';
import { checkedLogger, type Logger } from '../core/types.js';
import type { Alert, Notifier } from '../ports/notifier.js';

export interface ConsoleNotifierOptions {
  /** Default `console`. Critical alerts go to `error`, warnings to `warn`, info to `info`. */
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** One line per alert. Default: `🟡 [warning] prod/prod-web-app: prod-web-app expires in 7 days (…)`. */
  format?: (alert: Alert) => string;
  name?: string;
}

/**
 * Writes each alert as a line to the console (or any logger): the simplest notifier, good for
 * cron jobs whose output is mailed or collected.
 *
 * @example
 * new AlertSystem({ registry, notifiers: [new ConsoleNotifier()] });
 */
export class ConsoleNotifier implements Notifier {
  readonly name: string;
  private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  private readonly format: (alert: Alert) => string;

  constructor(options: ConsoleNotifierOptions = {}) {
    this.name = options.name ?? 'console';
    this.logger = checkedLogger(options.logger, 'ConsoleNotifier options', console, [
      'info',
      'warn',
      'error',
    ]);
    this.format =
      options.format ??
      ((a) => `${SEVERITY_ICON[a.severity]} [${a.severity}] ${a.environment}/${a.token}: ${a.message}`);
  }

  async notify(alerts: Alert[]): Promise<void> {
    for (const a of alerts) {
      const line = this.format(a);
      if (a.severity === 'critical') this.logger.error(line);
      else if (a.severity === 'warning') this.logger.warn(line);
      else this.logger.info(line);
    }
  }
}

/** Options of `new CallbackNotifier(fn, options)`. */
export interface CallbackNotifierOptions {
  /** Default `callback`; give each of several callback notifiers its own (it keys the delivery marks). */
  name?: string;
}

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

  constructor(callback: (alerts: Alert[]) => unknown, options: CallbackNotifierOptions = {}) {
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
