// Audit sinks that stay in the process: a line per event on a logger, or your own function.
import { ConfigurationError } from '../core/errors.js';
import type { Logger } from '../core/types.js';
import type { AuditEvent, AuditSink } from '../ports/audit.js';

/** Options of `new LoggerAuditSink(options)`. */
export interface LoggerAuditSinkOptions {
  /** Default `console`. Failed operations go to `warn`, the others to `info`. */
  logger?: Pick<Logger, 'info' | 'warn'>;
  name?: string;
}

/**
 * Writes each event to a logger: the message names the action and token, the event itself is the
 * structured metadata (pino and winston index it).
 *
 * @example
 * new TokenRegistry({ backend, secrets, environments, audit: new LoggerAuditSink({ logger: pino() }) });
 */
export class LoggerAuditSink implements AuditSink {
  readonly name: string;
  private readonly logger: Pick<Logger, 'info' | 'warn'>;

  constructor(options: LoggerAuditSinkOptions = {}) {
    this.name = options.name ?? 'logger';
    this.logger = options.logger ?? console;
  }

  async write(events: AuditEvent[]): Promise<void> {
    for (const e of events) {
      const line = `audit ${e.action} ${e.token} by ${e.actor}: ${e.outcome}`;
      const meta = { ...e } as unknown as Record<string, unknown>;
      if (e.outcome === 'failure') this.logger.warn(line, meta);
      else this.logger.info(line, meta);
    }
  }
}

/** Options of `new CallbackAuditSink(fn, options)`. */
export interface CallbackAuditSinkOptions {
  name?: string;
}

/**
 * Hands events to your function: a SIEM, a database table, a queue.
 *
 * @example
 * new CallbackAuditSink(async (events) => { await db.insert('audit', events); });
 */
export class CallbackAuditSink implements AuditSink {
  readonly name: string;
  private readonly callback: (events: AuditEvent[]) => unknown;

  constructor(callback: (events: AuditEvent[]) => unknown, options: CallbackAuditSinkOptions = {}) {
    if (typeof callback !== 'function') {
      throw new ConfigurationError(
        'CallbackAuditSink needs a function: new CallbackAuditSink(async (events) => …)',
      );
    }
    this.callback = callback;
    this.name = options.name ?? 'callback';
  }

  async write(events: AuditEvent[]): Promise<void> {
    await this.callback(events);
  }
}
