export const BASE = 'https://api.edenai.run';
export const API_KEY = 'test-api-key-5c1b9e';
/** A token value that must never leak. */
export const TOKEN_VALUE = 'sk-eden-live-TOPSECRET-0123456789';

/**
 * Client options that never wait: `retryDelay` records the delay a retry would wait (the server's
 * Retry-After, else 100 ms × attempt) and tells ky to wait 0 ms.
 */
export function fastOptions(overrides: object = {}) {
  const delays: number[] = [];
  const retryAfters: (number | undefined)[] = [];
  return {
    delays,
    retryAfters,
    options: {
      apiKey: API_KEY,
      retryDelay: (attempt: number, retryAfterMs?: number) => {
        retryAfters.push(retryAfterMs);
        delays.push(retryAfterMs ?? 100 * attempt);
        return 0;
      },
      ...overrides,
    },
  };
}

export { type CapturedLog, captureLogger, exposed, useNock } from '../helpers/wire.js';

/** A discrete-event clock: `sleep` schedules a timer; `run` fires timers in order once work is idle. */
export function simulation() {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const sleeps: number[] = [];
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      timers.push({ at: now + ms, resolve });
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  async function run<T>(work: Promise<T>): Promise<T> {
    let finished = false;
    const done = work.finally(() => {
      finished = true;
    });
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      if (finished) break;
      timers.sort((a, b) => a.at - b.at);
      const timer = timers.shift();
      if (!timer) throw new Error('deadlock: nothing scheduled and the work is not done');
      now = Math.max(now, timer.at);
      timer.resolve();
    }
    return done;
  }
  return { now: () => now, sleep, run, sleeps };
}

/** The most requests a server saw in any window of `windowMs`. */
export function maxInAnyWindow(arrivals: number[], windowMs = 1000): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
