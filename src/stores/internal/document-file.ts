import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigurationError } from '../../core/errors.js';
import { type Clock, systemClock } from '../../core/types.js';
import { removeTempFiles, writeFileAtomic } from './atomic-write.js';
import { code, FileLock, type LockOptions } from './lock-file.js';

/** Turns a file's bytes into a document and back (plain JSON, or encrypted JSON). */
export interface Codec<D> {
  decode(bytes: Buffer): D | Promise<D>;
  encode(doc: D): Uint8Array | Promise<Uint8Array>;
}

/**
 * Options shared by the file-backed stores (`FileSecretStore`, `FileStateStore`).
 *
 * @example
 * new FileStateStore({ path: '.edenai-tokens/state.json', lockStaleMs: 30_000 });
 */
export interface FileStoreOptions {
  /** The file holding the store. Its folder is created (mode 0700) on the first write. */
  path: string;
  /** A lock file older than this is presumed left by a crashed process and taken over. Default 10 s. */
  lockStaleMs?: number;
  /** How long a write waits for another process's lock before failing. Default 30 s. */
  lockTimeoutMs?: number;
  /** Time source for lock timestamps and staleness (tests inject one). */
  clock?: Clock;
  /** How to wait between lock attempts (tests inject one). */
  sleep?: (ms: number) => Promise<void>;
}

// Writers in this process queue per path before contending for the lock file with other processes.
const queues = new Map<string, Promise<unknown>>();

/**
 * A whole document in one file: lock-free reads (atomic renames mean a reader always sees a
 * complete version), and read-modify-write under an exclusive lock that re-reads the file first,
 * so a compare-and-set always sees the latest write of any process.
 */
export class DocumentFile<D> {
  readonly path: string;
  #cache: { bytes: Buffer; doc: D } | undefined;
  /** Set once crashed writers' temp files were swept (the first write of this instance). */
  #swept = false;
  readonly #lock: LockOptions;

  readonly #codec: Codec<D>;

  constructor(options: FileStoreOptions, codec: Codec<D>) {
    this.#codec = codec;
    if (typeof options?.path !== 'string' || options.path.length === 0) {
      throw new ConfigurationError('A file store needs a `path`');
    }
    this.path = resolve(options.path);
    const staleMs = options.lockStaleMs ?? 10_000;
    this.#lock = {
      staleMs,
      timeoutMs: options.lockTimeoutMs ?? Math.max(30_000, 2 * staleMs),
      clock: options.clock ?? systemClock,
      sleep: options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  /** The current document, or undefined when the file does not exist yet. Decodes only on change. */
  async read(): Promise<D | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
    if (this.#cache?.bytes.equals(bytes)) return this.#cache.doc;
    const doc = await this.#codec.decode(bytes);
    this.#cache = { bytes, doc };
    return doc;
  }

  /**
   * Runs `change` on the latest document under the lock; writes the document it returns (if any).
   * `change` must not mutate its argument: it may be the cached copy.
   */
  update<R>(change: (doc: D | undefined) => { next?: D; result: R } | Promise<{ next?: D; result: R }>) {
    const run = async (): Promise<R> => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const lock = await FileLock.acquire(`${this.path}.lock`, this.#lock);
      try {
        if (!this.#swept) {
          await removeTempFiles(this.path);
          this.#swept = true;
        }
        const { next, result } = await change(await this.read());
        if (next !== undefined) {
          const bytes = Buffer.from(await this.#codec.encode(next));
          await writeFileAtomic(this.path, bytes, { mode: 0o600, beforeRename: () => lock.assertHeld() });
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
