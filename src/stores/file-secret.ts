import { ConfigurationError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { DeleteOptions, SecretStore, StoredSecret, WriteOptions } from '../ports/stores.js';
import { type SecretEntry, SecretsCodec } from './file-crypto.js';
import { assertIfVersion, assertKey } from './internal/cas.js';
import { DocumentFile, type FileStoreOptions } from './internal/document-file.js';
import { type EntriesDoc, EntriesFile } from './internal/entries-file.js';
import { toStored } from './memory-secret.js';
import { copyMetadata, rawValue } from './value.js';

/**
 * Options of `FileSecretStore`; the lock options come from `FileStoreOptions`.
 *
 * @example
 * const options: FileSecretStoreOptions = { path: '/var/lib/app/tokens.enc', keyEnv: 'APP_TOKENS_KEY' };
 */
export interface FileSecretStoreOptions extends FileStoreOptions {
  /**
   * A passphrase (at least 16 characters, stretched with scrypt and a random salt kept in the
   * file) or exactly 32 random bytes used as the AES-256 key. Default: the `keyEnv` variable.
   */
  key?: string | Uint8Array | undefined;
  /** Environment variable holding the passphrase when `key` is not given. Default `EDENAI_TOKENS_KEY`. */
  keyEnv?: string;
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
  readonly #store: EntriesFile<SecretEntry>;
  readonly #codec: SecretsCodec;

  constructor(options: FileSecretStoreOptions) {
    const keyEnv = options?.keyEnv ?? 'EDENAI_TOKENS_KEY';
    const key = checkKey(
      options?.key ?? process.env[keyEnv],
      options?.key === undefined ? keyEnv : undefined,
    );
    this.#codec = new SecretsCodec(key, () => file.path);
    const file: DocumentFile<EntriesDoc<SecretEntry>> = new DocumentFile(options, this.#codec);
    this.#store = new EntriesFile(file);
  }

  /** The resolved path of the encrypted file. */
  get path(): string {
    return this.#store.file.path;
  }

  async get(key: string): Promise<StoredSecret | undefined> {
    assertKey(key);
    const entry = await this.#store.get(key);
    return entry && toStored(entry);
  }

  async set(key: string, value: Secret | string, options: WriteOptions = {}): Promise<{ version: string }> {
    assertKey(key);
    assertIfVersion(options.ifVersion, true);
    const raw = rawValue(value);
    const metadata = copyMetadata(options.metadata);
    const version = await this.#store.set(
      key,
      (v) => ({ value: raw, version: v, metadata }),
      options.ifVersion,
    );
    return { version };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    assertKey(key);
    assertIfVersion(options.ifVersion, false);
    return this.#store.delete(key, options.ifVersion);
  }

  list(prefix?: string): Promise<string[]> {
    return this.#store.list(prefix);
  }

  /** Drops the decrypted document and derived keys from memory; the store stays usable. */
  async dispose(): Promise<void> {
    this.#store.file.forget();
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
