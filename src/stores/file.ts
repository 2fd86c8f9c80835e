// The file-backed stores: every entry of a store in one file, so a compare-and-set is a
// read-modify-write of that file under its lock (file-io.ts). Secrets are encrypted
// (file-crypto.ts); state is plain JSON. Node-only.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { JsonValue } from 'type-fest';
import { ConfigurationError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import { type Clock, systemClock } from '../core/types.js';
import type {
  DeleteOptions,
  SecretStore,
  StateStore,
  StoredSecret,
  StoredState,
  WriteOptions,
} from '../ports/stores.js';
import {
  casDelete,
  casSet,
  type Entries,
  SecretCas,
  type SecretEntry,
  StateCas,
  type StateEntry,
  type Versioned,
} from './cas.js';
import { SecretsCodec } from './file-crypto.js';
import { DocumentFile, type EntriesDoc, type LockOptions } from './file-io.js';

/**
 * Options of `FileStateStore`; `FileSecretStore` takes these too.
 *
 * @example
 * new FileStateStore({ path: '.edenai-tokens/state.json', lockStaleMs: 30_000 });
 */
export interface FileStateStoreOptions {
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

/**
 * Options of `FileSecretStore`: those of `FileStateStore` (path and locking) plus the key.
 *
 * @example
 * const options: FileSecretStoreOptions = { path: '/var/lib/app/tokens.enc', keyEnv: 'APP_TOKENS_KEY' };
 */
export interface FileSecretStoreOptions extends FileStateStoreOptions {
  /**
   * A passphrase (at least 16 characters, stretched with scrypt and a random salt kept in the
   * file) or exactly 32 random bytes used as the AES-256 key. Default: the `keyEnv` variable.
   */
  key?: string | Uint8Array | undefined;
  /** Environment variable holding the passphrase when `key` is not given. Default `EDENAI_TOKENS_KEY`. */
  keyEnv?: string;
}

/**
 * Versioned entries in one `DocumentFile`. Versions are `<write counter>-<random>`: ordered for
 * humans, and never reused even if the file is deleted and recreated (so an old version cannot
 * match by accident).
 */
class FileEntries<E extends Versioned> implements Entries<E> {
  constructor(private readonly file: DocumentFile<EntriesDoc<E>>) {}

  async get(key: string): Promise<E | undefined> {
    return (await this.file.read())?.entries.get(key);
  }

  set(key: string, make: (version: string) => E, ifVersion: string | null | undefined): Promise<string> {
    return this.file.update((doc) => {
      const rev = (doc?.rev ?? 0) + 1;
      const entry = make(`${rev}-${randomBytes(3).toString('hex')}`);
      const entries = new Map(doc?.entries);
      casSet(entries, key, entry, ifVersion);
      return { next: { rev, entries }, result: entry.version };
    });
  }

  delete(key: string, ifVersion: string | undefined): Promise<boolean> {
    return this.file.update((doc) => {
      const entries = new Map(doc?.entries);
      const deleted = casDelete(entries, key, ifVersion);
      return { next: deleted ? { rev: (doc?.rev ?? 0) + 1, entries } : undefined, result: deleted };
    });
  }

  async keys(): Promise<Iterable<string>> {
    return (await this.file.read())?.entries.keys() ?? [];
  }
}

/** The resolved path and lock settings of a file store. */
function fileSettings(options: FileStateStoreOptions): { path: string; lock: LockOptions } {
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new ConfigurationError('A file store needs a `path`');
  }
  for (const name of ['lockStaleMs', 'lockTimeoutMs'] as const) {
    const ms = options[name];
    if (ms !== undefined && !(typeof ms === 'number' && Number.isFinite(ms) && ms > 0))
      throw new ConfigurationError(`File store \`${name}\` must be a number of ms > 0`);
  }
  for (const name of ['clock', 'sleep'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw new ConfigurationError(`File store \`${name}\` must be a function`);
  }
  const staleMs = options.lockStaleMs ?? 10_000;
  const lock = {
    staleMs,
    timeoutMs: options.lockTimeoutMs ?? Math.max(30_000, 2 * staleMs),
    clock: options.clock ?? systemClock,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
  };
  return { path: resolve(options.path), lock };
}

/**
 * A `SecretStore` in one AES-256-GCM encrypted file (mode 0600). The whole document is
 * encrypted — key names and metadata too — and authenticated, so a wrong key or a damaged file
 * is a `ConfigurationError`, never a garbage read. Writes are atomic (temp file, fsync, rename)
 * and serialized across processes by a lock file, so compare-and-set holds between processes.
 *
 * @example
 * const secrets = new FileSecretStore({ path: '.tokens.enc', key: process.env.TOKENS_KEY });
 * await secrets.set('edenai/prod-web-app', token.secret!, { ifVersion: null });
 * const entry = await secrets.get('edenai/prod-web-app');
 */
export class FileSecretStore implements SecretStore {
  readonly #file: DocumentFile<EntriesDoc<SecretEntry>>;
  readonly #codec: SecretsCodec;
  readonly #cas: SecretCas;

  constructor(options: FileSecretStoreOptions) {
    const keyEnv = options?.keyEnv ?? 'EDENAI_TOKENS_KEY';
    if (typeof keyEnv !== 'string' || keyEnv === '')
      throw new ConfigurationError('FileSecretStore `keyEnv` must be the name of an environment variable');
    const key = checkKey(
      options?.key ?? process.env[keyEnv],
      options?.key === undefined ? keyEnv : undefined,
    );
    const { path, lock } = fileSettings(options);
    this.#codec = new SecretsCodec(key, path);
    this.#file = new DocumentFile(path, lock, this.#codec);
    this.#cas = new SecretCas(new FileEntries(this.#file));
  }

  /** The resolved path of the encrypted file. */
  get path(): string {
    return this.#file.path;
  }

  get(key: string): Promise<StoredSecret | undefined> {
    return this.#cas.get(key);
  }

  set(key: string, value: Secret | string, options?: WriteOptions): Promise<{ version: string }> {
    return this.#cas.set(key, value, options);
  }

  delete(key: string, options?: DeleteOptions): Promise<boolean> {
    return this.#cas.delete(key, options);
  }

  list(prefix?: string): Promise<string[]> {
    return this.#cas.list(prefix);
  }

  /** Drops the decrypted document and derived keys from memory; the store stays usable. */
  async dispose(): Promise<void> {
    this.#file.forget();
    this.#codec.forget();
  }
}

function checkKey(key: unknown, fromEnv: string | undefined): string | Buffer {
  const source = fromEnv ? `The ${fromEnv} environment variable` : 'FileSecretStore `key`';
  if (key === undefined || key === '') {
    throw new ConfigurationError(`FileSecretStore needs a key: pass \`key\` or set ${fromEnv}`);
  }
  if (typeof key === 'string') {
    if (key.length < 16)
      throw new ConfigurationError(`${source} is too short: a passphrase needs at least 16 characters`);
    return key;
  }
  if (key instanceof Uint8Array) {
    if (key.length !== 32) throw new ConfigurationError(`${source} must be 32 bytes, got ${key.length}`);
    return Buffer.from(key); // our own copy: the caller may zero or reuse theirs
  }
  throw new ConfigurationError(`${source} must be a passphrase string or 32 bytes`);
}

const STATE_FORMAT = 'edenai-token-manager/state@1';

/**
 * A `StateStore` in one plain JSON file (mode 0600), shared safely by several processes:
 * writes go to a temp file that is fsynced and renamed over the old one, under a lock file
 * (`<path>.lock`, taken over when older than `lockStaleMs`). A crash mid-write leaves the
 * previous content readable.
 *
 * @example
 * const state = new FileStateStore({ path: '.edenai-tokens/state.json' });
 * const current = await state.get('alerts/dedupe');
 * await state.set('alerts/dedupe', { sent: ['exp-14d'] }, { ifVersion: current?.version ?? null });
 */
export class FileStateStore implements StateStore {
  readonly #file: DocumentFile<EntriesDoc<StateEntry>>;
  readonly #cas: StateCas;

  constructor(options: FileStateStoreOptions) {
    const { path, lock } = fileSettings(options);
    this.#file = new DocumentFile(path, lock, {
      decode: (bytes) => decodeState(bytes, path),
      encode: ({ rev, entries }) =>
        Buffer.from(
          `${JSON.stringify({ format: STATE_FORMAT, rev, entries: Object.fromEntries(entries) }, null, 2)}\n`,
        ),
    });
    this.#cas = new StateCas(new FileEntries(this.#file));
  }

  /** The resolved path of the state file. */
  get path(): string {
    return this.#file.path;
  }

  get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined> {
    return this.#cas.get<T>(key);
  }

  set(
    key: string,
    value: JsonValue,
    options?: Pick<WriteOptions, 'ifVersion'>,
  ): Promise<{ version: string }> {
    return this.#cas.set(key, value, options);
  }

  delete(key: string, options?: DeleteOptions): Promise<boolean> {
    return this.#cas.delete(key, options);
  }

  list(prefix?: string): Promise<string[]> {
    return this.#cas.list(prefix);
  }
}

function decodeState(bytes: Buffer, path: string): EntriesDoc<StateEntry> {
  let doc: { format?: unknown; rev?: unknown; entries?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ConfigurationError(`State file ${path} is corrupted: it is not valid JSON`);
  }
  if (doc?.format !== STATE_FORMAT) {
    throw new ConfigurationError(
      `${path} is not an edenai-token-manager state file (expected format "${STATE_FORMAT}")`,
    );
  }
  const entries = doc.entries;
  if (typeof doc.rev !== 'number' || typeof entries !== 'object' || entries === null) {
    throw new ConfigurationError(`State file ${path} is corrupted: missing "rev" or "entries"`);
  }
  const map = new Map<string, StateEntry>();
  for (const [key, entry] of Object.entries(entries as Record<string, Partial<StateEntry>>)) {
    if (typeof entry?.version !== 'string' || !('value' in entry)) {
      throw new ConfigurationError(
        `State file ${path} is corrupted: entry ${JSON.stringify(key)} is malformed`,
      );
    }
    map.set(key, { value: entry.value as JsonValue, version: entry.version });
  }
  return { rev: doc.rev, entries: map };
}
