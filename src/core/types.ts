import { ConfigurationError } from './errors.js';

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

const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * The logger option after checking it has every method the SDK calls (a logger missing `debug`
 * would otherwise throw after a request landed, leaving work half done); `fallback` when absent.
 */
export function checkedLogger<M extends keyof Logger = keyof Logger>(
  logger: unknown,
  where: string,
  fallback: Pick<Logger, M> = silentLogger,
  methods: readonly M[] = LOGGER_METHODS as readonly string[] as readonly M[],
): Pick<Logger, M> {
  if (logger === undefined) return fallback;
  const missing =
    typeof logger === 'object' && logger !== null
      ? methods.filter((m) => typeof (logger as Record<string, unknown>)[m] !== 'function')
      : methods;
  if (missing.length > 0) {
    throw new ConfigurationError(
      `${where}: logger is missing ${missing.join(', ')}; pass an object with ${methods.join(', ')} (console and pino fit)`,
    );
  }
  return logger as Pick<Logger, M>;
}

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
