import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { EdenAIError } from '../../core/errors.js';
import type { Clock } from '../../core/types.js';

export interface LockOptions {
  /** A lock older than this (by its holder's timestamp) is presumed dead and taken over. */
  staleMs: number;
  /** Give up waiting after this long (on `clock`, or summed sleeps when the clock stands still). */
  timeoutMs: number;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}

interface Holder {
  pid: number;
  host: string;
  time: string;
  token: string;
}

/**
 * A cross-process lock: a file created with `O_EXCL` holding the holder's pid, host, time and a
 * random token. Works on any local filesystem without native code. Only the holder whose token is
 * in the file may release it, so a taken-over holder cannot remove its successor's lock.
 */
export class FileLock {
  private constructor(
    readonly path: string,
    private readonly token: string,
    private readonly staleMs: number,
  ) {}

  static async acquire(path: string, options: LockOptions): Promise<FileLock> {
    const { clock, sleep, staleMs, timeoutMs } = options;
    const started = clock().getTime();
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const holder: Holder = {
        pid: process.pid,
        host: hostname(),
        time: clock().toISOString(),
        token: randomBytes(8).toString('hex'),
      };
      try {
        await writeFile(path, JSON.stringify(holder), { flag: 'wx', mode: 0o600 });
        return new FileLock(path, holder.token, staleMs);
      } catch (error) {
        if (code(error) !== 'EEXIST') throw error;
      }
      const current = await readHolder(path);
      if (current === 'missing') continue;
      // An unreadable lock is being written right now, or its holder crashed doing so: age it by mtime.
      const since = current ? Date.parse(current.time) : await mtime(path);
      if (!(clock().getTime() - since <= staleMs) && (await takeOver(path, current))) continue;
      if (waited >= timeoutMs || clock().getTime() - started >= timeoutMs) {
        const who = current
          ? `pid ${current.pid} on ${current.host} since ${current.time}`
          : 'an unknown holder';
        throw new EdenAIError(
          `Timed out after ${timeoutMs} ms waiting for the lock ${path} (held by ${who}). ` +
            `A lock older than ${staleMs} ms is taken over; delete the file if its holder is gone.`,
        );
      }
      // Short jittered backoff: writes hold the lock for milliseconds.
      const delay = Math.min(50, 2 * 1.5 ** Math.min(attempt, 10)) * (0.5 + Math.random());
      waited += delay;
      await sleep(delay);
    }
  }

  /** Throws unless this lock is still ours (it may have been taken over if we stalled past `staleMs`). */
  async assertHeld(): Promise<void> {
    const current = await readHolder(this.path);
    if (typeof current !== 'object' || current.token !== this.token) {
      throw new EdenAIError(
        `Lost the lock ${this.path}: held longer than ${this.staleMs} ms, another process took it over. Nothing was written.`,
      );
    }
  }

  async release(): Promise<void> {
    const current = await readHolder(this.path);
    if (typeof current === 'object' && current.token === this.token) await rm(this.path, { force: true });
  }
}

/**
 * Removes a stale lock without ever removing a fresh one: move it aside atomically, check it is
 * the stale lock we saw, and if someone else's fresh lock was moved instead, link it back.
 */
async function takeOver(path: string, stale: Holder | undefined): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return true;
    throw error;
  }
  try {
    const moved = await readHolder(aside);
    if (typeof moved !== 'object' ? stale === undefined : moved.token === stale?.token) return true;
    await link(aside, path).catch(() => {});
    return false;
  } finally {
    await rm(aside, { force: true });
  }
}

async function readHolder(path: string): Promise<Holder | undefined | 'missing'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    return typeof parsed.token === 'string' && typeof parsed.time === 'string'
      ? (parsed as Holder)
      : undefined;
  } catch {
    return undefined;
  }
}

const mtime = (path: string) =>
  stat(path).then(
    (s) => s.mtimeMs,
    () => Number.NaN,
  );

export const code = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;
