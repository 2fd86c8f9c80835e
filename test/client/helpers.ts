import type { Logger } from '../../src/core/types.js';

export const BASE = 'https://api.edenai.run';
export const API_KEY = 'test-api-key-5c1b9e';
/** A token value that must never leak. */
export const TOKEN_VALUE = 'sk-eden-live-TOPSECRET-0123456789';

/** Client options that never wait: retries sleep 0 ms and record the delays they were asked for. */
export function fastOptions(overrides: Record<string, unknown> = {}) {
  const delays: number[] = [];
  const retryAfters: (number | undefined)[] = [];
  return {
    delays,
    retryAfters,
    options: {
      apiKey: API_KEY,
      retryDelay: (attempt: number, retryAfterMs?: number) => {
        retryAfters.push(retryAfterMs);
        return retryAfterMs ?? 100 * attempt;
      },
      sleep: async (ms: number) => {
        delays.push(ms);
      },
      ...overrides,
    },
  };
}

export interface CapturedLog {
  level: string;
  message: string;
  meta?: Record<string, unknown>;
}

export function captureLogger(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at =
    (level: string) =>
    (message: string, meta?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(meta ? { meta } : {}) });
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** Everything a user could see of a value: message, JSON and inspection. */
export function exposed(value: unknown): string {
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.message, String(value.stack));
  parts.push(JSON.stringify(value) ?? '');
  return parts.join('\n');
}
