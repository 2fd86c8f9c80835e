import pLimit, { type LimitFunction } from 'p-limit';
import { ConfigurationError, VersionConflictError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import type { DeleteOptions, SecretStore, StoredSecret, WriteOptions } from '../../ports/stores.js';
import { assertIfVersion, assertKey, assertPrefix } from '../internal/cas.js';
import { toStored } from '../memory-secret.js';
import { copyMetadata, rawValue } from '../value.js';
import { VaultHttp } from './http.js';
import { KvV2, type WriteResult } from './kv.js';
import { listKeys } from './list.js';
import { type ResolvedVaultOptions, resolveVaultOptions, type VaultKvStoreOptions } from './options.js';
import { assertVaultKey } from './paths.js';
import { formatVersion, parseVersion } from './versions.js';

/** The data of a tombstone version; a key whose latest version is one reads as absent. */
const TOMBSTONE = { 'edenai-token-manager': 'deleted' } as const;
const isTombstone = (data: Record<string, unknown>) => data['edenai-token-manager'] === 'deleted';

/**
 * A `SecretStore` on HashiCorp Vault's (or OpenBao's) KV version 2 engine, over its HTTP API.
 * Each key is a KV path under `{mount}/{pathPrefix}` holding `{ value, metadata }`; versions are
 * KV version numbers. Compare-and-set is Vault's own `cas` write option, so it holds between any
 * number of processes. Vault's audit devices record every access.
 *
 * Deleting writes a tombstone version with `cas` (so a delete is compare-and-set too, and version
 * numbers never restart), then soft-deletes it and the value's version (`deleteMode: 'soft'`;
 * recover with `vault kv undelete -versions=N` and `vault kv rollback -version=N`), or destroys
 * every version's data for good (`'destroy'`). Either way the key's metadata stays, as with
 * `vault kv destroy`; `list` skips deleted keys. A delete made outside this store
 * (`vault kv delete`) does not bump the version, so a later write expecting that version is let through.
 *
 * The token needs `create`, `read`, `update` on `{mount}/data/{pathPrefix}*`, `read` and `list` on
 * `{mount}/metadata/{pathPrefix}*`, and `update` on `{mount}/delete/…` or `{mount}/destroy/…`.
 *
 * @example
 * import { VaultKvStore } from 'edenai-token-manager/vault';
 *
 * const secrets = new VaultKvStore({ address: 'https://vault.internal:8200', token: process.env.VAULT_TOKEN });
 * await secrets.set('prod-web-app', token.secret!, { ifVersion: null });
 */
export class VaultKvStore implements SecretStore {
  readonly #o: ResolvedVaultOptions;
  readonly #kv: KvV2;
  readonly #limit: LimitFunction;

  constructor(options: VaultKvStoreOptions = {}) {
    this.#o = resolveVaultOptions(options);
    this.#kv = new KvV2(new VaultHttp(this.#o), this.#o);
    this.#limit = pLimit(this.#o.concurrency);
  }

  /** Where entries live: `{address} {mount}/{pathPrefix}` (no token). */
  toString(): string {
    return `VaultKvStore(${this.#o.address} ${this.#o.mount}/${this.#o.pathPrefix})`;
  }

  async get(key: string): Promise<StoredSecret | undefined> {
    checkKey(key);
    const read = await this.#kv.readData(key);
    if (!read || read.kind === 'deleted' || isTombstone(read.data)) return undefined;
    const { value, metadata } = read.data;
    if (typeof value !== 'string' || value === '') {
      throw new ConfigurationError(
        `Vault secret "${this.#o.mount}/${this.#o.pathPrefix}${key}" has no "value" field: VaultKvStore reads entries it wrote ({ value, metadata })`,
      );
    }
    return toStored({ value, version: formatVersion(read.version), metadata: readMetadata(metadata) });
  }

  async set(key: string, value: Secret | string, options: WriteOptions = {}): Promise<{ version: string }> {
    checkKey(key);
    assertIfVersion(options.ifVersion, true);
    const metadata = copyMetadata(options.metadata);
    const data = { value: rawValue(value), ...(metadata && { metadata }) };
    const { ifVersion } = options;
    let result: WriteResult;
    if (ifVersion === undefined) result = await this.#writeAnyway(key, data);
    else if (ifVersion === null) result = await this.#create(key, data);
    else {
      const expected = parseVersion(ifVersion);
      result =
        expected === undefined
          ? { ok: false, reason: 'cas-mismatch' }
          : await this.#kv.write(key, data, expected);
    }
    if (!result.ok) throw new VersionConflictError(key, ifVersion, await this.#actual(key));
    return { version: formatVersion(result.version) };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    checkKey(key);
    assertIfVersion(options.ifVersion, false);
    const { ifVersion } = options;
    // Without ifVersion a lost race just means someone wrote first: read again and retry.
    for (let attempt = 0; attempt < 10; attempt++) {
      const meta = await this.#kv.readMeta(key);
      const actual = meta && !meta.currentGone ? formatVersion(meta.current) : null;
      if (ifVersion !== undefined && actual !== ifVersion)
        throw new VersionConflictError(key, ifVersion, actual);
      if (!meta || actual === null) return false;
      // The tombstone write is the atomic step: it fails if anyone wrote since we read.
      const tomb = await this.#kv.write(key, TOMBSTONE, meta.current);
      if (tomb.ok) {
        const versions =
          this.#o.deleteMode === 'soft' ? [meta.current, tomb.version] : [...meta.versions, tomb.version];
        await this.#kv.remove(key, versions, this.#o.deleteMode);
        return true;
      }
      if (ifVersion !== undefined) throw new VersionConflictError(key, ifVersion, await this.#actual(key));
    }
    throw new VersionConflictError(key, undefined, await this.#actual(key));
  }

  async list(prefix = ''): Promise<string[]> {
    assertPrefix(prefix);
    return listKeys(this.#kv, this.#limit, prefix);
  }

  /** `ifVersion: null`: `cas: 0`, or, for a deleted key (tombstone or soft-deleted), `cas` = its version. */
  async #create(key: string, data: Record<string, unknown>): Promise<WriteResult> {
    const first = await this.#kv.write(key, data, 0);
    if (first.ok) return first;
    const meta = await this.#kv.readMeta(key);
    if (!meta) return first;
    let absent = meta.currentGone;
    if (!absent) {
      // A tombstone left live by a delete that stopped half-way also counts as absent.
      const read = await this.#kv.readData(key);
      absent = read?.kind === 'live' && read.version === meta.current && isTombstone(read.data);
    }
    return absent ? this.#kv.write(key, data, meta.current) : first;
  }

  /** No condition; on a mount with `cas_required`, compare-and-set against whatever is current. */
  async #writeAnyway(key: string, data: Record<string, unknown>): Promise<WriteResult> {
    let result = await this.#kv.write(key, data);
    for (let attempt = 0; !result.ok && result.reason === 'cas-required' && attempt < 5; attempt++) {
      result = await this.#kv.write(key, data, (await this.#kv.readMeta(key))?.current ?? 0);
    }
    return result;
  }

  /** The current version for a conflict message, `null` when absent. */
  async #actual(key: string): Promise<string | null> {
    const meta = await this.#kv.readMeta(key);
    return meta && !meta.currentGone ? formatVersion(meta.current) : null;
  }
}

function checkKey(key: string): void {
  assertKey(key);
  assertVaultKey(key);
}

function readMetadata(metadata: unknown) {
  try {
    return copyMetadata(metadata ?? undefined);
  } catch {
    return undefined; // edited by hand into another shape: ignore rather than fail the read
  }
}
