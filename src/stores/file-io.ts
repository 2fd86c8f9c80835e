// The file I/O under the file stores: a whole document in one file, replaced atomically (temp
// file, fsync, rename) and changed only under a cross-process lock file. Node-only.
import { randomBytes } from 'node:crypto';
import {
  link,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigurationError, EdenAIError } from '../core/errors.js';
import type { Clock } from '../core/types.js';

/** Turns a file's bytes into a document and back (plain JSON, or encrypted JSON). */
export interface Codec<D> {
  decode(bytes: Buffer): D | Promise<D>;
  encode(doc: D): Uint8Array | Promise<Uint8Array>;
}

/** The document both file stores keep: a write counter and the entries by key. */
export interface EntriesDoc<E> {
  rev: number;
  entries: Map<string, E>;
}

export interface LockOptions {
  /** A lock older than this (by its holder's timestamp) is presumed dead and taken over. */
  staleMs: number;
  /** Give up waiting after this long (on `clock`, or summed sleeps when the clock stands still). */
  timeoutMs: number;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}

// Writers in this process queue per path before contending for the lock file with other processes.
const queues = new Map<string, Promise<unknown>>();

/**
 * A whole document in one file: lock-free reads (atomic renames mean a reader always sees a
 * complete version), and read-modify-write under an exclusive lock that re-reads the file first,
 * so a compare-and-set always sees the latest write of any process.
 */
export class DocumentFile<D> {
  #cache: { bytes: Buffer; doc: D } | undefined;
  /** Set once crashed writers' temp files were swept (the first write of this instance). */
  #swept = false;

  /** `path` must be absolute. */
  constructor(
    readonly path: string,
    private readonly locking: LockOptions,
    private readonly codec: Codec<D>,
  ) {}

  /** The current document, or undefined when the file does not exist yet. Decodes only on change. */
  async read(): Promise<D | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw fsError(error, this.path);
    }
    if (this.#cache?.bytes.equals(bytes)) return this.#cache.doc;
    const doc = await this.codec.decode(bytes);
    this.#cache = { bytes, doc };
    return doc;
  }

  /**
   * Runs `change` on the latest document under the lock; writes the document it returns (if any).
   * `change` must not mutate its argument: it may be the cached copy.
   */
  update<R>(change: (doc: D | undefined) => { next?: D; result: R } | Promise<{ next?: D; result: R }>) {
    const run = async (): Promise<R> => {
      // Through a symbolic link, the link's target is the file: replacing the link itself would
      // leave the target with the old content, and the two would silently diverge.
      const target = await writeTarget(this.path).catch((error: unknown) => {
        throw fsError(error, this.path);
      });
      await mkdir(dirname(target), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
        throw fsError(error, dirname(target));
      });
      const lock = await FileLock.acquire(`${target}.lock`, this.locking);
      try {
        if (!this.#swept) {
          await removeTempFiles(target);
          this.#swept = true;
        }
        const { next, result } = await change(await this.read());
        if (next !== undefined) {
          const bytes = Buffer.from(await this.codec.encode(next));
          await writeFileAtomic(target, bytes, { mode: 0o600, beforeRename: () => lock.assertHeld() }).catch(
            (error: unknown) => {
              throw fsError(error, this.path);
            },
          );
          this.#cache = { bytes, doc: next };
        }
        return result;
      } finally {
        await lock.release();
      }
    };
    const previous = queues.get(this.path) ?? Promise.resolve();
    const current = previous.then(run, run);
    const settled = current.catch(() => {});
    queues.set(this.path, settled);
    void settled.then(() => {
      if (queues.get(this.path) === settled) queues.delete(this.path);
    });
    return current;
  }

  /** Forgets the decoded document (it may hold secrets). */
  forget(): void {
    this.#cache = undefined;
  }
}

/** At most this many links are followed (Linux's own limit), so a link loop ends. */
const MAX_LINKS = 40;

/**
 * The file a write must replace: `path` with its links resolved, also when the target does not
 * exist yet (a dangling link is followed to where the file will be created).
 */
async function writeTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
  let current = path;
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let target: string;
    try {
      target = await readlink(current);
    } catch (error) {
      // EINVAL: not a link; ENOENT: nothing there yet. Either way, this is the file to write.
      if (code(error) === 'EINVAL' || code(error) === 'ENOENT') return current;
      throw error;
    }
    current = resolve(dirname(current), target);
  }
  throw Object.assign(new Error(`too many symbolic links at ${path}`), { code: 'ELOOP' });
}

/** Filesystem errors that a setting can fix, and what to say about them. */
const FS_PROBLEMS: Record<string, string> = {
  EISDIR: 'is a directory: give the path of a file in it',
  ENOTDIR: 'has a file where a directory is expected',
  EACCES: 'is not accessible to this process (permissions)',
  EPERM: 'is not accessible to this process (permissions)',
  EROFS: 'is on a read-only filesystem',
  ELOOP: 'is a loop of symbolic links',
};

/** A filesystem error that the store's settings caused, as a `ConfigurationError` naming the path. */
export function fsError(error: unknown, path: string): unknown {
  const problem = FS_PROBLEMS[code(error) ?? ''];
  if (!problem || error instanceof EdenAIError) return error;
  return new ConfigurationError(`File store path ${path} ${problem}`, { cause: error });
}

const tempPrefix = (path: string) => `.${basename(path)}.`;

/**
 * Replaces `path` so that readers see either the old or the new content, never a mix: write a
 * temp file beside it, fsync, then rename over it. A crash before the rename leaves the old
 * file intact (and a temp file that `removeTempFiles` sweeps later).
 */
async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  options: { mode: number; beforeRename?: () => Promise<void> },
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${tempPrefix(path)}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', options.mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeRename?.();
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

/** Makes the rename itself durable. Not every platform can fsync a directory; that is fine. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

/** Deletes temp files left by crashed writers. Call only while holding the file's lock. */
async function removeTempFiles(path: string): Promise<void> {
  const prefix = tempPrefix(path);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
      .map((name) => rm(join(dirname(path), name), { force: true })),
  );
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
        if (code(error) !== 'EEXIST') throw fsError(error, path);
      }
      const current = await readHolder(path).catch((error: unknown) => {
        throw fsError(error, path);
      });
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

const code = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;
