/** Any logger with these four methods fits: `console`, pino, winston… */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Injected time source; tests pass a fake clock instead of sleeping. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

const noop = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Per-call options accepted as the last argument of every client method. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout in ms. */
  timeoutMs?: number;
  /** Overall time for the call in ms, retries and waits included. */
  deadlineMs?: number;
  maxRetries?: number;
}

/** Progress callback for long work (bulk rotation, apply). */
export interface Progress {
  done: number;
  total: number;
  /** The item just finished. */
  name?: string;
  ok?: boolean;
}
