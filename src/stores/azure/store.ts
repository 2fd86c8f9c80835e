import type { SecretClient } from '@azure/keyvault-secrets';
import { ConfigurationError, InvalidInputError, VersionConflictError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import type {
  DeleteOptions,
  SecretStore,
  SecretStoreCapabilities,
  StoredSecret,
  WriteOptions,
} from '../../ports/stores.js';
import { assertIfVersion, assertKey, assertPrefix, copyMetadata, rawValue, toStored } from '../cas.js';
import { loadOptional } from '../optional.js';
import {
  type AzureIdentity,
  type AzureSdk,
  checkPrefix,
  innerCode,
  KEY_TAG,
  MANAGED_BY,
  MISSING_IDENTITY,
  MISSING_SDK,
  secretName,
  statusOf,
  type TokenCredential,
  tagMetadata,
  toStoreError,
  versionTags,
} from './api.js';

type SecretClientOptions = NonNullable<ConstructorParameters<typeof SecretClient>[2]>;

/**
 * Options of {@link AzureKeyVaultStore}.
 *
 * @example
 * const options: AzureKeyVaultStoreOptions = { vaultUrl: 'https://payments-prod.vault.azure.net' };
 */
export interface AzureKeyVaultStoreOptions {
  /** The vault, e.g. `https://my-vault.vault.azure.net`. Required unless `client` is given. */
  vaultUrl?: string;
  /** How to authenticate. Default: `DefaultAzureCredential` from the optional `@azure/identity`. */
  credential?: TokenCredential;
  /** Options of the `SecretClient` the store creates (retries, proxy, API version…). */
  clientOptions?: SecretClientOptions;
  /** A `SecretClient` you built; `vaultUrl`, `credential` and `clientOptions` are then unused. */
  client?: SecretClient;
  /** Prepended to every secret name. Default `''`. Letters, digits and dashes. */
  prefix?: string;
  /**
   * What `delete` does: `'recoverable'` (default) leaves the secret soft-deleted for the vault's
   * retention period; `'purge'` also purges it (needs the purge permission, and a vault without purge
   * protection).
   */
  deleteMode?: 'recoverable' | 'purge';
  /** How often the delete and recover operations are polled until done. Default 2000 ms, as the SDK. */
  pollIntervalMs?: number;
}

const KNOWN = new Set([
  'vaultUrl',
  'credential',
  'clientOptions',
  'client',
  'prefix',
  'deleteMode',
  'pollIntervalMs',
]);
/** Key Vault's limit on a secret value, in bytes. */
const MAX_VALUE_BYTES = 25 * 1024;

/**
 * A `SecretStore` on Azure Key Vault: one secret per key (readable name, see {@link secretName} of the
 * store), each write a new version holding the bare value, with the key and the metadata in the
 * version's tags. The entry's version is the Key Vault version id.
 *
 * Compare-and-set is `'best-effort'`: Key Vault has no conditional write, so the store checks the
 * current version one request before writing; writers racing inside that window can both succeed
 * (the newest version wins). RotationManager's StateStore lock keeps a second writer out.
 *
 * History: Key Vault keeps every version and cannot delete one, so `forgetPrevious(key)` disables
 * every version but the current one (a disabled version's value cannot be read back, but it stays
 * in the vault until the secret is deleted and purged). A deleted secret stays recoverable for the
 * vault's retention period; writing its key again recovers it and writes a new version (its old
 * versions are disabled), unless `deleteMode: 'purge'`.
 *
 * Needs the optional peer dependencies `@azure/keyvault-secrets` and, for the default credential,
 * `@azure/identity`; the identity needs the Key Vault Secrets Officer role (or get, list, set,
 * delete, recover and, for `'purge'`, purge permissions). Values are limited to 25 KB.
 *
 * @example
 * import { AzureKeyVaultStore } from 'edenai-token-manager/azure';
 *
 * const secrets = new AzureKeyVaultStore({ vaultUrl: 'https://payments-prod.vault.azure.net' });
 * const registry = new TokenRegistry({ backend: new CustomTokenClient(), secrets, environments });
 */
export class AzureKeyVaultStore implements SecretStore {
  readonly capabilities: SecretStoreCapabilities = { compareAndSet: 'best-effort' };
  readonly prefix: string;
  readonly #options: AzureKeyVaultStoreOptions;
  readonly #pollIntervalMs: number;
  #client: Promise<SecretClient> | undefined;

  constructor(options: AzureKeyVaultStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigurationError('AzureKeyVaultStore options must be an object');
    for (const key of Object.keys(options))
      if (!KNOWN.has(key)) throw new ConfigurationError(`Unknown AzureKeyVaultStore option "${key}"`);
    if (options.client !== undefined && typeof options.client?.getSecret !== 'function')
      throw new ConfigurationError('AzureKeyVaultStore `client` must be a SecretClient');
    if (!options.client && !/^https?:\/\/[^/]+\/?$/.test(options.vaultUrl ?? ''))
      throw new ConfigurationError(
        'AzureKeyVaultStore needs `vaultUrl`, e.g. https://my-vault.vault.azure.net',
      );
    if (options.credential !== undefined && typeof options.credential?.getToken !== 'function')
      throw new ConfigurationError('AzureKeyVaultStore `credential` must be a TokenCredential');
    if (
      options.deleteMode !== undefined &&
      options.deleteMode !== 'recoverable' &&
      options.deleteMode !== 'purge'
    )
      throw new ConfigurationError("AzureKeyVaultStore `deleteMode` must be 'recoverable' or 'purge'");
    const poll = options.pollIntervalMs ?? 2000;
    if (!Number.isInteger(poll) || poll < 0)
      throw new ConfigurationError('AzureKeyVaultStore `pollIntervalMs` must be a non-negative integer');
    this.#pollIntervalMs = poll;
    this.prefix = checkPrefix(options.prefix ?? '');
    this.#options = options;
  }

  /** The name of the Key Vault secret that holds `key`. */
  secretName(key: string): string {
    assertKey(key);
    return secretName(this.prefix, key);
  }

  async get(key: string): Promise<StoredSecret | undefined> {
    const name = this.secretName(key);
    const client = await this.#ready();
    try {
      const secret = await client.getSecret(name);
      const { version, tags } = secret.properties;
      if (secret.value === undefined || !version) return undefined;
      return toStored({ value: secret.value, version, metadata: tagMetadata(tags) });
    } catch (error) {
      if (statusOf(error) === 404) return undefined; // absent, or deleted but recoverable
      throw toStoreError(error, 'getSecret', key);
    }
  }

  async set(key: string, value: Secret | string, options: WriteOptions = {}): Promise<{ version: string }> {
    const name = this.secretName(key);
    assertIfVersion(options.ifVersion, true);
    const text = rawValue(value);
    if (Buffer.byteLength(text) > MAX_VALUE_BYTES)
      throw new InvalidInputError(
        `Value too large for Azure Key Vault: ${Buffer.byteLength(text)} bytes (max ${MAX_VALUE_BYTES})`,
        { field: 'value' },
      );
    const tags = versionTags(key, copyMetadata(options.metadata));
    const { ifVersion } = options;
    if (ifVersion !== undefined) {
      const actual = await this.#currentVersion(key);
      if (actual !== ifVersion) throw new VersionConflictError(key, ifVersion, actual);
    }
    const client = await this.#ready();
    for (let attempt = 1; ; attempt++) {
      try {
        const written = await client.setSecret(name, text, { tags });
        return { version: written.properties.version ?? '' };
      } catch (error) {
        // The name is soft-deleted: for readers the key is absent, so bring it back and write over it.
        if (statusOf(error) !== 409 || attempt > 2) throw toStoreError(error, 'setSecret', key);
        await this.#recover(key, name, innerCode(error));
      }
    }
  }

  /**
   * Deletes the secret with all its versions (soft delete, then purge with `deleteMode: 'purge'`).
   * Key Vault has no conditional delete: with `ifVersion`, the version is checked one request before.
   */
  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    const name = this.secretName(key);
    assertIfVersion(options.ifVersion, false);
    const { ifVersion } = options;
    if (ifVersion !== undefined) {
      const actual = await this.#currentVersion(key);
      if (actual !== ifVersion) throw new VersionConflictError(key, ifVersion, actual);
    }
    const client = await this.#ready();
    try {
      const poller = await client.beginDeleteSecret(name, { intervalInMs: this.#pollIntervalMs });
      await poller.pollUntilDone();
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw toStoreError(error, 'deleteSecret', key);
    }
    if (this.#options.deleteMode === 'purge') await this.#purge(key, name);
    return true;
  }

  async list(prefix = ''): Promise<string[]> {
    assertPrefix(prefix);
    const client = await this.#ready();
    const keys: string[] = [];
    try {
      for await (const properties of client.listPropertiesOfSecrets()) {
        const key = properties.tags?.[KEY_TAG];
        if (properties.tags?.[MANAGED_BY[0]] !== MANAGED_BY[1] || !key?.startsWith(prefix)) continue;
        if (properties.name.toLowerCase() === secretName(this.prefix, key).toLowerCase()) keys.push(key);
      }
    } catch (error) {
      throw toStoreError(error, 'listPropertiesOfSecrets', `${prefix}*`);
    }
    return keys.sort();
  }

  /** Disables every version but the current one: Key Vault cannot delete a single version. */
  async forgetPrevious(key: string): Promise<void> {
    const name = this.secretName(key);
    const current = (await this.get(key))?.version;
    if (current) await this.#disableVersions(key, name, current);
  }

  /** Disables every enabled version of `name` except `keep`. */
  async #disableVersions(key: string, name: string, keep: string | undefined): Promise<void> {
    const client = await this.#ready();
    try {
      for await (const version of client.listPropertiesOfSecretVersions(name)) {
        if (version.version && version.version !== keep && version.enabled !== false)
          await client.updateSecretProperties(name, version.version, { enabled: false });
      }
    } catch (error) {
      if (statusOf(error) !== 404) throw toStoreError(error, 'updateSecretProperties', key);
    }
  }

  async #currentVersion(key: string): Promise<string | null> {
    return (await this.get(key))?.version ?? null;
  }

  /**
   * Brings a soft-deleted secret back so that it can be written (or, when it is still being
   * deleted, waits for that first), then disables its old versions: they held values of an entry
   * that was deleted. With `deleteMode: 'purge'`, purges it instead.
   */
  async #recover(key: string, name: string, reason: string | undefined): Promise<void> {
    const client = await this.#ready();
    // Deleted by someone else a moment ago: wait until the delete is done.
    if (reason === 'ObjectIsBeingDeleted') await this.#waitForDeleted(key, name);
    if (this.#options.deleteMode === 'purge') return this.#purge(key, name);
    try {
      const poller = await client.beginRecoverDeletedSecret(name, { intervalInMs: this.#pollIntervalMs });
      await poller.pollUntilDone();
      await this.#disableVersions(key, name, undefined);
    } catch (error) {
      // 404: someone else recovered or purged it meanwhile; the next write will tell.
      if (statusOf(error) !== 404) throw toStoreError(error, 'recoverDeletedSecret', key);
    }
  }

  async #waitForDeleted(key: string, name: string): Promise<void> {
    const client = await this.#ready();
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        await client.getDeletedSecret(name);
        return;
      } catch (error) {
        if (statusOf(error) !== 404) throw toStoreError(error, 'getDeletedSecret', key);
        await new Promise((resolve) => setTimeout(resolve, this.#pollIntervalMs));
      }
    }
  }

  async #purge(key: string, name: string): Promise<void> {
    const client = await this.#ready();
    try {
      await client.purgeDeletedSecret(name);
    } catch (error) {
      if (statusOf(error) !== 404) throw toStoreError(error, 'purgeDeletedSecret', key);
    }
  }

  #ready(): Promise<SecretClient> {
    this.#client ??= (async () => {
      if (this.#options.client) return this.#options.client;
      const sdk = await loadOptional<AzureSdk>(() => import('@azure/keyvault-secrets'), MISSING_SDK);
      let credential = this.#options.credential;
      if (!credential) {
        const identity = await loadOptional<AzureIdentity>(
          () => import('@azure/identity') as Promise<AzureIdentity>,
          MISSING_IDENTITY,
        );
        credential = new identity.DefaultAzureCredential();
      }
      return new sdk.SecretClient(this.#options.vaultUrl ?? '', credential, this.#options.clientOptions);
    })();
    // A failed load (missing SDK) is not cached: installing it fixes the next call.
    this.#client.catch(() => {
      this.#client = undefined;
    });
    return this.#client;
  }
}
