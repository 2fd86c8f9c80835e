import { randomUUID } from 'node:crypto';
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError, InvalidInputError, VersionConflictError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import type { DeleteOptions, SecretStore, StoredSecret, WriteOptions } from '../../ports/stores.js';
import { assertIfVersion, assertKey, assertPrefix, copyMetadata, rawValue, toStored } from '../cas.js';
import {
  awsErrorName,
  checkPrefix,
  type DeleteMode,
  decodeKey,
  decodePayload,
  encodePayload,
  loadAwsSdk,
  SecretsApi,
  secretName,
  toStoreError,
} from './api.js';

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
 * does atomically (see `compareAndSet` below); every write carries a `ClientRequestToken`, so retries never add
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
    assertOptions(options);
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
   * A forced delete of a missing secret succeeds at AWS without saying so, so the store looks first.
   */
  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    assertKey(key);
    assertOptions(options);
    assertIfVersion(options.ifVersion, false);
    const api = await this.#ready();
    const name = this.#name(key);
    const force = 'ForceDeleteWithoutRecovery' in this.#deleteMode;
    if (options.ifVersion === undefined && !force) return api.delete(name, key, this.#deleteMode);
    const state = await api.describe(name, key);
    const actual = state && !state.deleted ? (state.current ?? null) : null;
    if (options.ifVersion !== undefined && actual !== options.ifVersion)
      throw new VersionConflictError(key, options.ifVersion, actual);
    if (!state) return false;
    // Already scheduled for deletion: absent for readers, but a forced delete still frees the name.
    const deleted = await api.delete(name, key, this.#deleteMode);
    return deleted && !state.deleted;
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

/** `null` or a string where the options object goes is a caller bug: say so, not a TypeError. */
function assertOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidInputError('options must be an object { ifVersion?, metadata? }', { field: 'options' });
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

// The three writes of AwsSecretsManagerStore: create-only, compare-and-set, unconditional.
//
// Compare-and-set: Secrets Manager has no conditional PutSecretValue, but it has staging labels,
// and `UpdateSecretVersionStage` refuses to move AWSCURRENT unless `RemoveFromVersionId` names the
// version that holds it. So a CAS write (1) reads the current version (a cheap early conflict, and
// no orphan version in the common case), (2) writes the new version labelled AWSPENDING, which no
// reader sees, then (3) moves AWSCURRENT from the expected version to the new one. Step 3 is the
// atomic check: of two writers that both passed step 1, AWS lets exactly one move the label.
// The loser's version keeps no AWSCURRENT label, so it is never read (AWS prunes unlabelled
// versions); AWSPENDING stays on the newest pending version until the next write moves it.
//
// Idempotency: every write carries a `ClientRequestToken` (it becomes the VersionId). The SDK's own
// retries resend the same token, and AWS ignores a repeated token with the same value, so a retried
// write never creates a second version. A retried label move that had already succeeded is
// recognised by reading where AWSCURRENT is now.
interface Write {
  api: SecretsApi;
  key: string;
  name: string;
  text: string;
  /** Client request token = the new VersionId. */
  token: string;
}

/** `ifVersion: null`: CreateSecret, which AWS refuses when the name exists. */
async function createOnly(w: Write): Promise<string> {
  try {
    return await w.api.create(w.name, w.text, w.token);
  } catch (error) {
    const kind = awsErrorName(error);
    if (kind !== 'ResourceExistsException' && kind !== 'InvalidRequestException')
      throw toStoreError(error, 'CreateSecret', w.key);
    const state = await w.api.describe(w.name, w.key);
    if (state?.current === w.token && !state.deleted) return w.token; // our own create, whose answer was lost
    // Scheduled for deletion: absent for readers, but the name is taken. Bring it back and write
    // over it, moving AWSCURRENT from the version seen while it was deleted (so a concurrent
    // creator that got there first makes us conflict).
    if (state?.deleted && state.current) {
      await w.api.restore(w.name, w.key);
      return casPut(w, state.current, null);
    }
    if (kind === 'ResourceExistsException' && state && !state.deleted)
      throw new VersionConflictError(w.key, null, state.current ?? null);
    throw toStoreError(error, 'CreateSecret', w.key);
  }
}

/** `ifVersion: '<VersionId>'`: write pending, then move AWSCURRENT only if it is still on `expected`. */
async function compareAndSet(w: Write, expected: string): Promise<string> {
  const state = await w.api.describe(w.name, w.key);
  const actual = state && !state.deleted ? (state.current ?? null) : null;
  if (actual !== expected) throw new VersionConflictError(w.key, expected, actual);
  return casPut(w, expected, expected);
}

/** No condition: PutSecretValue, creating (or restoring) the secret when needed. */
async function putAnyway(w: Write): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await w.api.put(w.name, w.text, w.token, false);
    } catch (error) {
      const kind = awsErrorName(error);
      if (attempt >= 2 || (kind !== 'ResourceNotFoundException' && kind !== 'InvalidRequestException'))
        throw toStoreError(error, 'PutSecretValue', w.key);
      if (kind === 'InvalidRequestException') {
        if (!(await w.api.describe(w.name, w.key))?.deleted)
          throw toStoreError(error, 'PutSecretValue', w.key);
        await w.api.restore(w.name, w.key);
        continue;
      }
    }
    try {
      return await w.api.create(w.name, w.text, w.token);
    } catch (error) {
      // Someone created it between our put and create: put again.
      if (awsErrorName(error) !== 'ResourceExistsException') throw toStoreError(error, 'CreateSecret', w.key);
    }
  }
}

/** Writes `w.token` as AWSPENDING, then moves AWSCURRENT to it from `from`. */
async function casPut(w: Write, from: string, expected: string | null): Promise<string> {
  try {
    await w.api.put(w.name, w.text, w.token, true);
  } catch (error) {
    const kind = awsErrorName(error);
    if (kind === 'ResourceNotFoundException') throw new VersionConflictError(w.key, expected, null);
    throw toStoreError(error, 'PutSecretValue', w.key);
  }
  try {
    await w.api.promote(w.name, w.token, from);
    return w.token;
  } catch (error) {
    const kind = awsErrorName(error);
    if (
      kind !== 'InvalidParameterException' &&
      kind !== 'InvalidRequestException' &&
      kind !== 'ResourceNotFoundException'
    )
      throw toStoreError(error, 'UpdateSecretVersionStage', w.key);
    const state = await w.api.describe(w.name, w.key);
    if (state?.current === w.token && !state.deleted) return w.token; // a retried move that had succeeded
    throw new VersionConflictError(w.key, expected, state && !state.deleted ? (state.current ?? null) : null);
  }
}
