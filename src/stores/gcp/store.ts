import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { ConfigurationError, InvalidInputError, VersionConflictError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import type {
  DeleteOptions,
  Metadata,
  SecretStore,
  SecretStoreCapabilities,
  StoredSecret,
  WriteOptions,
} from '../../ports/stores.js';
import { assertIfVersion, assertKey, assertPrefix, copyMetadata, rawValue, toStored } from '../cas.js';
import { loadGoogleSdk, SecretManagerApi, type SecretResource, statusOf, toStoreError } from './api.js';

type ClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>;

/**
 * Options of {@link GoogleSecretManagerStore}.
 *
 * @example
 * const options: GoogleSecretManagerStoreOptions = { projectId: 'payments-prod', locations: ['europe-west1'] };
 */
export interface GoogleSecretManagerStoreOptions {
  /** Project of the secrets. Default: `GOOGLE_CLOUD_PROJECT`, else the project of the client's credentials. */
  projectId?: string;
  /** A client you built (it is not closed by `dispose()`). Default: one made from `clientOptions`. */
  client?: SecretManagerServiceClient;
  /** Options of the client the store creates when `client` is not given (credentials, endpoint…). */
  clientOptions?: ClientOptions;
  /** Prepended to every secret ID. Default `''`. Characters: `A-Z a-z 0-9 _ -`. */
  prefix?: string;
  /** Replicate new secrets only to these locations (user-managed replication). Default: automatic. */
  locations?: string[];
}

const KNOWN = new Set(['projectId', 'client', 'clientOptions', 'prefix', 'locations']);
const ATTEMPTS = 5;
/** Annotations are limited to 16 KiB per secret; metadata gets half. */
const MAX_METADATA_BYTES = 8192;

/**
 * A `SecretStore` on Google Secret Manager: one secret per key (`prefix` + key, `/` written `__`,
 * other characters `_XX`), labelled `managed-by=edenai-token-manager`; each write adds a secret
 * version holding the bare value, so Cloud Run, GKE and External Secrets read it as it is. Metadata
 * lives in an annotation of the secret that names the version it describes.
 *
 * Compare-and-set is `'best-effort'`: adding a version is never conditional in Secret Manager. The
 * store checks the version, adds its own, and then knows whether another version landed in between
 * (versions are numbered 1, 2, 3…): if so its write lost, it disables its version and throws
 * `VersionConflictError`. A reader can see a losing value until then, and a writer that dies in
 * between leaves its value current. `forgetPrevious(key)` destroys every version but the current one.
 *
 * Needs the optional peer dependency `@google-cloud/secret-manager` and, on the project, the
 * permissions `secretmanager.secrets.{create,get,list,update,delete}` and
 * `secretmanager.versions.{add,access,get,list,disable,destroy}`. Values are limited to 64 KiB.
 *
 * @example
 * import { GoogleSecretManagerStore } from 'edenai-token-manager/gcp';
 *
 * const secrets = new GoogleSecretManagerStore({ projectId: 'payments-prod' });
 * const registry = new TokenRegistry({ backend: new CustomTokenClient(), secrets, environments });
 */
export class GoogleSecretManagerStore implements SecretStore {
  readonly capabilities: SecretStoreCapabilities = { compareAndSet: 'best-effort' };
  readonly prefix: string;
  readonly #options: GoogleSecretManagerStoreOptions;
  #api: Promise<SecretManagerApi> | undefined;
  #ownClient: SecretManagerServiceClient | undefined;

  constructor(options: GoogleSecretManagerStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigurationError('GoogleSecretManagerStore options must be an object');
    for (const key of Object.keys(options))
      if (!KNOWN.has(key)) throw new ConfigurationError(`Unknown GoogleSecretManagerStore option "${key}"`);
    if (options.client !== undefined && typeof options.client?.accessSecretVersion !== 'function')
      throw new ConfigurationError('GoogleSecretManagerStore `client` must be a SecretManagerServiceClient');
    if (options.projectId !== undefined && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(options.projectId))
      throw new ConfigurationError('GoogleSecretManagerStore `projectId` must be a Google Cloud project ID');
    if (
      options.locations !== undefined &&
      (!Array.isArray(options.locations) ||
        options.locations.length === 0 ||
        !options.locations.every((l) => typeof l === 'string' && l.length > 0))
    )
      throw new ConfigurationError(
        'GoogleSecretManagerStore `locations` must be a non-empty array of locations',
      );
    this.prefix = checkPrefix(options.prefix ?? '');
    this.#options = options;
  }

  async get(key: string): Promise<StoredSecret | undefined> {
    const [api, name] = await this.#target(key);
    const [latest, secret] = await Promise.all([api.access(key, name, 'latest'), api.secret(key, name)]);
    let found = latest;
    if (found === 'unavailable') {
      // The newest version is disabled (a losing write) or destroyed: the current one is below it.
      const current = await api.highestEnabled(key, name);
      found = current === undefined ? undefined : await api.access(key, name, String(current));
    }
    if (!secret || !found || found === 'unavailable') return undefined;
    return toStored({
      value: found.value,
      version: entryVersion(found.number, secret.createTime),
      metadata: decodeMetadata(secret.annotations?.[METADATA_ANNOTATION], found.number),
    });
  }

  async set(key: string, value: Secret | string, options: WriteOptions = {}): Promise<{ version: string }> {
    const [api, name] = await this.#target(key);
    assertIfVersion(options.ifVersion, true);
    const data = Buffer.from(rawValue(value), 'utf8');
    if (data.length > MAX_PAYLOAD_BYTES)
      throw new InvalidInputError(
        `Value too large for Google Secret Manager: ${data.length} bytes (max ${MAX_PAYLOAD_BYTES})`,
        { field: 'value' },
      );
    const metadata = copyMetadata(options.metadata);
    if (metadata && Buffer.byteLength(encodeMetadata(0, metadata)) > MAX_METADATA_BYTES)
      throw new InvalidInputError(
        `metadata too large for Google Secret Manager (max ${MAX_METADATA_BYTES} bytes)`,
        {
          field: 'metadata',
        },
      );
    const { ifVersion } = options;
    const { locations } = this.#options;
    for (let attempt = 1; ; attempt++) {
      let secret = ifVersion === null ? await api.create(key, name, locations) : await api.secret(key, name);
      if (!secret && ifVersion === undefined) secret = await api.create(key, name, locations);
      if (!secret) {
        if (ifVersion !== undefined) throw new VersionConflictError(key, ifVersion, null);
        continue; // deleted between our create and our read: create again
      }
      const latest = await api.latest(key, name);
      if (ifVersion !== undefined) {
        const current = latest?.enabled ? latest.number : await api.highestEnabled(key, name);
        const actual = current === undefined ? null : entryVersion(current, secret.createTime);
        if (actual !== ifVersion) throw new VersionConflictError(key, ifVersion, actual);
      }
      const added = await api.add(key, name, data);
      if (added === undefined) {
        if (ifVersion !== undefined || attempt >= ATTEMPTS)
          throw new VersionConflictError(key, ifVersion, null);
        continue; // the secret was deleted meanwhile
      }
      if (ifVersion !== undefined && added !== (latest?.number ?? 0) + 1) {
        // Another version landed between our check and our write: ours lost. Disabling it sends
        // readers back to the version that won.
        await api.disable(key, name, added);
        const current = await api.highestEnabled(key, name);
        throw new VersionConflictError(
          key,
          ifVersion,
          current === undefined ? null : entryVersion(current, secret.createTime),
        );
      }
      if (metadata) await this.#annotate(api, key, name, secret, encodeMetadata(added, metadata), added);
      return { version: entryVersion(added, secret.createTime) };
    }
  }

  /**
   * Deletes the secret and all its versions, at once and for good (Secret Manager has no recovery
   * window). With `ifVersion`, the version is checked one request before, and the delete carries
   * the secret's etag.
   */
  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    const [api, name] = await this.#target(key);
    assertIfVersion(options.ifVersion, false);
    const { ifVersion } = options;
    let etag: string | undefined;
    if (ifVersion !== undefined) {
      const secret = await api.secret(key, name);
      const current = secret && (await api.current(key, name));
      const actual = current === undefined ? null : entryVersion(current, secret?.createTime);
      if (actual !== ifVersion) throw new VersionConflictError(key, ifVersion, actual);
      etag = secret?.etag ?? undefined;
    }
    try {
      await api.client.deleteSecret({ name, ...(etag && { etag }) });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 'NOT_FOUND' && ifVersion === undefined) return false;
      if (status === 'NOT_FOUND' || status === 'ABORTED')
        throw new VersionConflictError(key, ifVersion, null);
      throw toStoreError(error, 'DeleteSecret', key);
    }
  }

  async list(prefix = ''): Promise<string[]> {
    assertPrefix(prefix);
    const api = await this.#ready();
    const keys: string[] = [];
    for (const id of await api.listIds(`${prefix}*`)) {
      const key = id.startsWith(this.prefix) ? decodeKey(id.slice(this.prefix.length)) : undefined;
      if (key?.startsWith(prefix)) keys.push(key);
    }
    return keys.sort();
  }

  /** Destroys every version but the current one (losing writes included): their values are gone for good. */
  async forgetPrevious(key: string): Promise<void> {
    const [api, name] = await this.#target(key);
    const current = await api.current(key, name);
    if (current === undefined) return;
    for (const version of await api.versions(key, name))
      if (version.number !== current && version.state !== 'DESTROYED')
        await api.destroy(key, name, version.number);
  }

  /** Closes the client this store created (not one you passed in). */
  async dispose(): Promise<void> {
    const api = this.#api;
    this.#api = undefined;
    if (api) await api.catch(() => undefined);
    await this.#ownClient?.close();
    this.#ownClient = undefined;
  }

  /** The API and the full secret name of `key`. */
  async #target(key: string): Promise<[SecretManagerApi, string]> {
    assertKey(key);
    const id = secretId(this.prefix, key);
    const api = await this.#ready();
    return [api, `${api.parent}/secrets/${id}`];
  }

  /**
   * Records the metadata of `version` in the secret's annotations, keeping the others. The update is
   * conditional on the secret's etag, and never replaces the metadata of a newer version.
   */
  async #annotate(
    api: SecretManagerApi,
    key: string,
    name: string,
    secret: SecretResource,
    text: string,
    version: number,
  ): Promise<void> {
    let current: SecretResource | undefined = secret;
    for (let attempt = 1; current; attempt++) {
      const recorded = /"version":(\d+)/.exec(current.annotations?.[METADATA_ANNOTATION] ?? '');
      if (recorded && Number(recorded[1]) > version) return;
      const annotations = { ...current.annotations, [METADATA_ANNOTATION]: text };
      if (await api.annotate(key, name, annotations, current.etag)) return;
      if (attempt >= ATTEMPTS) throw new VersionConflictError(key, undefined, null);
      current = await api.secret(key, name);
    }
  }

  #ready(): Promise<SecretManagerApi> {
    this.#api ??= (async () => {
      const sdk = await loadGoogleSdk();
      let client = this.#options.client;
      if (!client) client = this.#ownClient = new sdk.SecretManagerServiceClient(this.#options.clientOptions);
      const projectId =
        this.#options.projectId ??
        process.env['GOOGLE_CLOUD_PROJECT'] ??
        process.env['GCLOUD_PROJECT'] ??
        (await client.getProjectId());
      return new SecretManagerApi(client, `projects/${projectId}`);
    })();
    // A failed load (missing client, no project) is not cached: fixing it fixes the next call.
    this.#api.catch(() => {
      this.#api = undefined;
    });
    return this.#api;
  }
}

// The layout: secret IDs, metadata, versions.

const PLAIN = /^[A-Za-z0-9-]$/;
const ID = /^[A-Za-z0-9_-]*$/;
const MAX_ID = 255;
/** Secret Manager's limit on a version's payload. */
const MAX_PAYLOAD_BYTES = 65_536;

/**
 * Store keys ↔ secret IDs, which allow only `A-Z a-z 0-9 _ -`: `/` is written `__` and every other
 * byte `_XX` (`edenai/prod-web-app` → `edenai__prod-web-app`). Byte by byte, so reversible.
 */
function encodeKey(key: string): string {
  let out = '';
  for (const char of key) {
    if (PLAIN.test(char)) out += char;
    else if (char === '/') out += '__';
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The key a secret ID (without the store prefix) encodes; `undefined` for an ID we did not write. */
function decodeKey(id: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < id.length; i++) {
    if (id[i] !== '_') bytes.push(id.charCodeAt(i));
    else if (id[i + 1] === '_') {
      bytes.push(0x2f);
      i++;
    } else {
      const hex = id.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    }
  }
  const key = Buffer.from(bytes).toString('utf8');
  return key && encodeKey(key) === id ? key : undefined; // rejects invalid UTF-8 and other spellings
}

/** Validates the secret ID prefix once, at construction. */
function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !ID.test(prefix) || prefix.length > 100)
    throw new ConfigurationError(
      'GoogleSecretManagerStore `prefix` must be at most 100 characters from A-Z a-z 0-9 _ -',
    );
  return prefix;
}

/** The secret ID of `key`; throws when it would exceed Google's 255 characters. */
function secretId(prefix: string, key: string): string {
  const id = prefix + encodeKey(key);
  if (id.length > MAX_ID)
    throw new ConfigurationError(
      `Key is too long for Google Secret Manager: its secret ID would have ${id.length} characters (max ${MAX_ID})`,
    );
  return id;
}

/** The annotation that carries an entry's metadata, with the number of the version it describes. */
const METADATA_ANNOTATION = 'edenai-token-manager-metadata';

function encodeMetadata(version: number, metadata: Metadata): string {
  return JSON.stringify({ version, metadata });
}

/** The metadata of `version`, or `undefined` when the annotation describes another version. */
function decodeMetadata(text: string | undefined, version: number): Metadata | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { version?: unknown; metadata?: unknown };
    return parsed.version === version ? copyMetadata(parsed.metadata) : undefined;
  } catch {
    return undefined; // edited by hand into another shape
  }
}

type Timestamp = { seconds?: unknown; nanos?: unknown } | null | undefined;

/**
 * An entry's version: the version number, and the secret's creation time, because a secret deleted
 * and created again numbers its versions from 1 again, and versions must never repeat.
 */
function entryVersion(number: number, secretCreateTime: Timestamp): string {
  return `${number}@${String(secretCreateTime?.seconds ?? 0)}.${String(secretCreateTime?.nanos ?? 0)}`;
}
