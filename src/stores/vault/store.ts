import pLimit, { type LimitFunction } from 'p-limit';
import { ConfigurationError, VersionConflictError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import type { DeleteOptions, SecretStore, StoredSecret, WriteOptions } from '../../ports/stores.js';
import { assertIfVersion, assertKey, assertPrefix, copyMetadata, rawValue, toStored } from '../cas.js';
import {
  assertVaultKey,
  isCleanPath,
  type KvConfig,
  KvV2,
  listLiveKeys,
  VaultHttp,
  type WriteResult,
} from './kv.js';

/**
 * Options of {@link VaultKvStore}.
 *
 * @example
 * const options: VaultKvStoreOptions = { address: 'https://vault.internal:8200', token: () => readAgentToken() };
 */
export interface VaultKvStoreOptions {
  /** Vault's address, e.g. `https://vault.internal:8200`. Default `process.env.VAULT_ADDR`. */
  address?: string;
  /** A token, or a function returning the current one (renewed by Vault Agent…). Default `process.env.VAULT_TOKEN`. */
  token?: string | (() => string | Promise<string>);
  /** Mount path of the KV version 2 engine. Default `'secret'`. */
  mount?: string;
  /** Folder inside the mount that holds the entries. Default `''` (registry refs already start with `edenai/`). */
  pathPrefix?: string;
  /** Vault Enterprise / HCP namespace (sent as `X-Vault-Namespace`). Default `process.env.VAULT_NAMESPACE`. */
  namespace?: string;
  /**
   * `'soft'` (default): `delete` marks the current version deleted; `vault kv undelete` brings it
   * back. `'destroy'`: `delete` removes the key's metadata and every version, for good.
   */
  deleteMode?: 'soft' | 'destroy';
  /** Per-request timeout in ms. Default 10 000. */
  timeoutMs?: number;
  /** Parallel requests of `list` (it reads each key's metadata). Default 8. */
  concurrency?: number;
  /** A `fetch` implementation (tests, proxies, custom TLS via undici's dispatcher). Default: global `fetch`. */
  fetch?: typeof fetch;
}

interface ResolvedVaultOptions extends KvConfig {
  deleteMode: 'soft' | 'destroy';
  concurrency: number;
}

// Options are checked once, at construction: a misconfiguration fails before any request.
const KNOWN = new Set([
  'address',
  'token',
  'mount',
  'pathPrefix',
  'namespace',
  'deleteMode',
  'timeoutMs',
  'concurrency',
  'fetch',
]);

const fail = (message: string): never => {
  throw new ConfigurationError(`VaultKvStore: ${message}`);
};

function resolveVaultOptions(o: VaultKvStoreOptions = {}): ResolvedVaultOptions {
  if (typeof o !== 'object' || o === null) fail('options must be an object');
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) fail(`unknown option "${key}"`);
  const address = o.address ?? process.env['VAULT_ADDR'];
  if (!address) fail('`address` is required (or set VAULT_ADDR)');
  let url: URL | undefined;
  try {
    url = new URL(address as string);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.username)
    fail('`address` must be an http(s) URL such as https://vault.internal:8200');
  const token = o.token ?? process.env['VAULT_TOKEN'];
  if (typeof token !== 'function' && (typeof token !== 'string' || token === ''))
    fail('`token` is required: a non-empty string or a function returning one (or set VAULT_TOKEN)');
  const mount = (o.mount ?? 'secret').replace(/^\/+|\/+$/g, '');
  if (!isCleanPath(mount, false)) fail('`mount` must be a path such as "secret" or "kv/team"');
  const pathPrefix = o.pathPrefix ?? '';
  if (typeof pathPrefix !== 'string' || !isCleanPath(pathPrefix, true))
    fail('`pathPrefix` must be "" or a folder path ending with "/", such as "edenai/"');
  const namespace = o.namespace ?? process.env['VAULT_NAMESPACE'] ?? undefined;
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace === ''))
    fail('`namespace` must be a non-empty string');
  const deleteMode = o.deleteMode ?? 'soft';
  if (deleteMode !== 'soft' && deleteMode !== 'destroy') fail("`deleteMode` must be 'soft' or 'destroy'");
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) fail('`timeoutMs` must be a number > 0');
  const concurrency = o.concurrency ?? 8;
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64))
    fail('`concurrency` must be an integer from 1 to 64');
  const fetchImpl = o.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') fail('`fetch` must be a function');
  return {
    address: (address as string).replace(/\/+$/, ''),
    token: typeof token === 'function' ? token : () => token as string,
    mount,
    pathPrefix,
    namespace,
    deleteMode,
    timeoutMs,
    concurrency,
    fetch: fetchImpl,
  };
}

// Version strings of VaultKvStore entries: the KV v2 version number ("3"). Deletes write a
// tombstone version (see `VaultKvStore.delete`) and keep the key's metadata, so numbers only grow and a
// version string is never reused.
function formatVersion(version: number): string {
  return String(version);
}

/** The KV version number, or `undefined` for a string that cannot be one of ours (a sure conflict). */
function parseVersion(version: string): number | undefined {
  return /^[1-9][0-9]{0,14}$/.test(version) ? Number(version) : undefined;
}

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
    return listLiveKeys(this.#kv, this.#limit, prefix);
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
