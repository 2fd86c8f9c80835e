// Shared by the v2 and v3 wire tests: strict nock hygiene, a capturing logger, and what a user could see.

import type { Logger } from 'edenai-token-manager';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

/** nock hygiene: every mock used, no unmocked request (e.g. a second POST). */
export function useNock(): void {
  const unmatched: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string }) => {
    unmatched.push(`${req.method} ${req.path}`);
  };
  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    const extra = unmatched.splice(0);
    nock.cleanAll();
    expect(pending).toEqual([]);
    expect(extra).toEqual([]);
  });
  afterAll(() => {
    nock.emitter.off('no match', onNoMatch);
    nock.enableNetConnect();
  });
}

export interface CapturedLog {
  level: string;
  message: string;
  meta?: Record<string, unknown>;
}

export function captureLogger(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    lines.push({ level, message, ...(meta ? { meta } : {}) });
  };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** Everything a user could see of a value: message, stack, JSON. */
export function exposed(value: unknown): string {
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.message, String(value.stack));
  parts.push(JSON.stringify(value) ?? '');
  return parts.join('\n');
}
