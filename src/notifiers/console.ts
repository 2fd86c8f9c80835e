import type { Alert } from '../alerts/types.js';
import type { Logger } from '../core/types.js';
import type { Notifier } from '../ports/notifier.js';

const ICON = { critical: '🔴', warning: '🟡', info: '🔵' } as const;

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
    this.logger = options.logger ?? console;
    this.format =
      options.format ??
      ((a) => `${ICON[a.severity]} [${a.severity}] ${a.environment}/${a.token}: ${a.message}`);
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
