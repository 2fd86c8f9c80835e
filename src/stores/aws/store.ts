import { randomUUID } from 'node:crypto';
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError, VersionConflictError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import type { DeleteOptions, SecretStore, StoredSecret, WriteOptions } from '../../ports/stores.js';
import { assertIfVersion, assertKey, assertPrefix } from '../internal/cas.js';
import { toStored } from '../memory-secret.js';
import { copyMetadata, rawValue } from '../value.js';
import { type DeleteMode, SecretsApi } from './api.js';
import { loadAwsSdk } from './load-sdk.js';
import { checkPrefix, decodeKey, secretName } from './names.js';
import { decodePayload, encodePayload } from './payload.js';
import { compareAndSet, createOnly, putAnyway, type Write } from './write.js';

/**
 * Options of {@link AwsSecretsManagerStore}.
 *
 * @example
 * const options: AwsSecretsManagerStoreOptions = { clientConfig: { region: 'eu-west-1' }, prefix: 'edenai/prod/' };
 */
export interface AwsSecretsManagerStoreOptions {
  /** A client you built (it is not destroyed by `dispose()`). Default: one made from `clientConfig`. */
  client?: SecretsManagerClient;
  /** Config of the client the store creates when `client` is not given (region, credentials, endpoint…). */
  clientConfig?: SecretsManagerClientConfig;
  /** Prepended to every secret name. Default `''` (registry refs already start with `edenai/`). Characters: `A-Z a-z 0-9 / _ + = . @ -`. */
  prefix?: string;
  /**
   * What `delete` does: schedule deletion after this many days (7–30, AWS's default 30), during
   * which `RestoreSecret` can bring the secret back; or `'force'` to delete at once, for good.
   */
  recoveryWindowDays?: number | 'force';
  /** KMS key for new secrets. Default: the account's `aws/secretsmanager` key. */
  kmsKeyId?: string;
}

const KNOWN = new Set(['client', 'clientConfig', 'prefix', 'recoveryWindowDays', 'kmsKeyId']);

/**
 * A `SecretStore` on AWS Secrets Manager: one secret per key (`prefix` + key, other characters
 * escaped as `=XX`), each write a new secret version holding `{"value","metadata"}` as JSON.
 * Versions are AWS `VersionId`s; compare-and-set moves the `AWSCURRENT` staging label, which AWS
 * does atomically (see write.ts); every write carries a `ClientRequestToken`, so retries never add
 * a second version. CloudTrail records every read and write: the audit trail comes for free.
 *
 * Needs the optional peer dependency `@aws-sdk/client-secrets-manager` (loaded on first use) and
 * IAM rights `secretsmanager:GetSecretValue`, `DescribeSecret`, `CreateSecret`, `PutSecretValue`,
 * `UpdateSecretVersionStage`, `DeleteSecret`, `RestoreSecret` and `ListSecrets` on `prefix*`.
 * Values are limited to 64 KiB by AWS.
 *
 * @example
 * import { AwsSecretsManagerStore } from 'edenai-token-manager/aws';
 *
 * const secrets = new AwsSecretsManagerStore({ clientConfig: { region: 'eu-west-1' }, recoveryWindowDays: 7 });
 * const registry = new TokenRegistry({ backend: new CustomTokenClient(), secrets, environments });
 */
export class AwsSecretsManagerStore implements SecretStore {
  readonly prefix: string;
  readonly #options: AwsSecretsManagerStoreOptions;
  readonly #deleteMode: DeleteMode;
  #api: Promise<SecretsApi> | undefined;
  #ownClient: SecretsManagerClient | undefined;

  constructor(options: AwsSecretsManagerStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigurationError('AwsSecretsManagerStore options must be an object');
    for (const key of Object.keys(options))
      if (!KNOWN.has(key)) throw new ConfigurationError(`Unknown AwsSecretsManagerStore option "${key}"`);
    if (options.client !== undefined && typeof options.client?.send !== 'function')
      throw new ConfigurationError('AwsSecretsManagerStore `client` must be a SecretsManagerClient');
    if (options.kmsKeyId !== undefined && (typeof options.kmsKeyId !== 'string' || !options.kmsKeyId))
      throw new ConfigurationError('AwsSecretsManagerStore `kmsKeyId` must be a non-empty string');
    this.prefix = checkPrefix(options.prefix ?? '');
    this.#deleteMode = deleteMode(options.recoveryWindowDays);
    this.#options = options;
  }

  async get(key: string): Promise<StoredSecret | undefined> {
    assertKey(key);
    const found = await (await this.#ready()).getValue(this.#name(key), key);
    if (!found) return undefined;
    return toStored({ ...decodePayload(found.text), version: found.version });
  }

  async set(key: string, value: Secret | string, options: WriteOptions = {}): Promise<{ version: string }> {
    assertKey(key);
    assertIfVersion(options.ifVersion, true);
    const text = encodePayload(rawValue(value), copyMetadata(options.metadata));
    const write: Write = { api: await this.#ready(), key, name: this.#name(key), text, token: randomUUID() };
    const { ifVersion } = options;
    const version =
      ifVersion === null
        ? await createOnly(write)
        : ifVersion === undefined
          ? await putAnyway(write)
          : await compareAndSet(write, ifVersion);
    return { version };
  }

  /**
   * Deletes with the configured recovery window. AWS has no conditional delete: with `ifVersion`,
   * the version is checked just before `DeleteSecret`, which leaves a window of one request.
   */
  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    assertKey(key);
    assertIfVersion(options.ifVersion, false);
    const api = await this.#ready();
    const name = this.#name(key);
    if (options.ifVersion !== undefined) {
      const state = await api.describe(name, key);
      const actual = state && !state.deleted ? (state.current ?? null) : null;
      if (actual !== options.ifVersion) throw new VersionConflictError(key, options.ifVersion, actual);
    }
    return api.delete(name, key, this.#deleteMode);
  }

  async list(prefix = ''): Promise<string[]> {
    assertPrefix(prefix);
    const api = await this.#ready();
    const names = await api.listNames(this.prefix + encodeListPrefix(prefix));
    const keys = new Set<string>();
    for (const name of names) {
      const key = decodeKey(name.slice(this.prefix.length));
      if (key?.startsWith(prefix)) keys.add(key);
    }
    return [...keys].sort();
  }

  /** Destroys the client this store created (not one you passed in). */
  async dispose(): Promise<void> {
    const api = this.#api;
    this.#api = undefined;
    if (api) await api.catch(() => undefined);
    this.#ownClient?.destroy();
    this.#ownClient = undefined;
  }

  #name(key: string): string {
    return secretName(this.prefix, key);
  }

  #ready(): Promise<SecretsApi> {
    this.#api ??= (async () => {
      const sdk = await loadAwsSdk();
      let client = this.#options.client;
      if (!client) client = this.#ownClient = new sdk.SecretsManagerClient(this.#options.clientConfig ?? {});
      return new SecretsApi(sdk, client, this.#options.kmsKeyId);
    })();
    // A failed load (missing SDK) is not cached: installing it fixes the next call.
    this.#api.catch(() => {
      this.#api = undefined;
    });
    return this.#api;
  }
}

function encodeListPrefix(prefix: string): string {
  // A prefix may end inside a multi-byte character only in UTF-16 terms (a lone surrogate);
  // drop it and let the startsWith check on decoded keys do the exact filtering.
  return secretName('', prefix.replace(/[\uD800-\uDBFF]$/, ''));
}

function deleteMode(days: AwsSecretsManagerStoreOptions['recoveryWindowDays']): DeleteMode {
  if (days === 'force') return { ForceDeleteWithoutRecovery: true };
  if (days === undefined) return { RecoveryWindowInDays: 30 };
  if (!Number.isInteger(days) || days < 7 || days > 30)
    throw new ConfigurationError(
      `AwsSecretsManagerStore \`recoveryWindowDays\` must be an integer from 7 to 30, or 'force'; got ${String(days)}`,
    );
  return { RecoveryWindowInDays: days };
}
