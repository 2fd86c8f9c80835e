// The wire side of GoogleSecretManagerStore: loading the optional client, its errors, and the
// Secret Manager calls the store makes. The compare-and-set logic and the layout live in store.ts.
import type { protos, SecretManagerServiceClient } from '@google-cloud/secret-manager';
import {
  APIConnectionError,
  type APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  isEdenAIError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '../../core/errors.js';
import { loadOptional } from '../optional.js';

export type GoogleSdk = typeof import('@google-cloud/secret-manager');

const MISSING =
  'GoogleSecretManagerStore needs @google-cloud/secret-manager: npm install @google-cloud/secret-manager';

/** Imports the client; `importer` is replaceable so tests can simulate a missing install. */
export function loadGoogleSdk(
  importer: () => Promise<GoogleSdk> = () => import('@google-cloud/secret-manager'),
): Promise<GoogleSdk> {
  return loadOptional(importer, MISSING);
}

const GRPC_STATUS = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
const HTTP_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

interface ClientError {
  code?: unknown;
  status?: unknown;
  message?: unknown;
}

/** Google's `{"error": {"status", "message"}}` body, which REST-mode errors carry as their message. */
function errorBody(error: ClientError): { status?: unknown; message?: unknown } | undefined {
  if (typeof error.message !== 'string' || !error.message.startsWith('{')) return undefined;
  try {
    return (JSON.parse(error.message) as { error?: { status?: unknown; message?: unknown } }).error;
  } catch {
    return undefined;
  }
}

/**
 * The canonical status (`NOT_FOUND`, `ALREADY_EXISTS`…) of a client error, or `undefined` when the
 * request got no answer. gRPC errors carry it as a number; REST errors as an HTTP status and a body.
 */
export function statusOf(error: unknown): string | undefined {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientError;
  const named = errorBody(e)?.status;
  if (typeof named === 'string') return named;
  const code = typeof e.code === 'number' ? e.code : typeof e.status === 'number' ? e.status : undefined;
  if (code === undefined) return undefined;
  return code < 100 ? GRPC_STATUS[code] : (HTTP_STATUS[code] ?? (code >= 500 ? 'INTERNAL' : 'UNKNOWN'));
}

const CLASS_BY_STATUS: Record<string, typeof APIError> = {
  INVALID_ARGUMENT: BadRequestError,
  FAILED_PRECONDITION: BadRequestError,
  OUT_OF_RANGE: BadRequestError,
  DEADLINE_EXCEEDED: APIConnectionError,
  NOT_FOUND: NotFoundError,
  ALREADY_EXISTS: ConflictError,
  ABORTED: ConflictError,
  PERMISSION_DENIED: PermissionDeniedError,
  RESOURCE_EXHAUSTED: RateLimitError,
  UNAUTHENTICATED: AuthenticationError,
};

/**
 * Wraps what the client threw in an `APIError` subclass naming the operation, key and Google's
 * status and message (which name resources and limits, never a payload). The client's error is not
 * kept as `cause`: its request config holds the payload of the version being added.
 */
export function toStoreError(error: unknown, operation: string, key: string): Error {
  if (isEdenAIError(error)) return error as Error;
  const status = statusOf(error);
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientError;
  const message = errorBody(e)?.message ?? e.message;
  const detail = typeof message === 'string' && message ? `: ${message}` : '';
  const Class = status === undefined ? APIConnectionError : (CLASS_BY_STATUS[status] ?? InternalServerError);
  const hint =
    Class === PermissionDeniedError
      ? ' (the identity needs the Secret Manager permissions listed in the store guide on this project)'
      : '';
  return new Class(
    `Google Secret Manager ${operation} of "${key}" failed: ${status ?? 'no answer'}${detail}${hint}`,
  );
}

/** A version's number from its resource name (`…/versions/7` → 7). */
export function versionNumber(name: string | null | undefined): number {
  const n = Number(/\/versions\/(\d+)$/.exec(name ?? '')?.[1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Unexpected secret version name ${String(name)}`);
  return n;
}

/** The label of every secret the store creates; `list` filters on it. */
export const MANAGED_BY = ['managed-by', 'edenai-token-manager'] as const;

export type SecretResource = protos.google.cloud.secretmanager.v1.ISecret;

/**
 * The Secret Manager calls the store makes, on full resource names. "Absent" answers come back as
 * `undefined`, every other failure as a store error naming `key`.
 */
export class SecretManagerApi {
  constructor(
    readonly client: SecretManagerServiceClient,
    readonly parent: string,
  ) {}

  async secret(key: string, name: string): Promise<SecretResource | undefined> {
    try {
      const [secret] = await this.client.getSecret({ name });
      return secret;
    } catch (error) {
      if (statusOf(error) === 'NOT_FOUND') return undefined;
      throw toStoreError(error, 'GetSecret', key);
    }
  }

  /** Creates the secret; an existing one is returned as it is (`undefined` if it vanished meanwhile). */
  async create(
    key: string,
    name: string,
    locations: string[] | undefined,
  ): Promise<SecretResource | undefined> {
    const replication = locations
      ? { userManaged: { replicas: locations.map((location) => ({ location })) } }
      : { automatic: {} };
    try {
      const [secret] = await this.client.createSecret({
        parent: this.parent,
        secretId: name.slice(name.lastIndexOf('/') + 1),
        secret: { replication, labels: { [MANAGED_BY[0]]: MANAGED_BY[1] } },
      });
      return secret;
    } catch (error) {
      if (statusOf(error) === 'ALREADY_EXISTS') return this.secret(key, name);
      throw toStoreError(error, 'CreateSecret', key);
    }
  }

  /** A version's value; `undefined` when absent, `'unavailable'` when disabled or destroyed. */
  async access(
    key: string,
    name: string,
    version: string,
  ): Promise<{ value: string; number: number } | 'unavailable' | undefined> {
    try {
      const [out] = await this.client.accessSecretVersion({ name: `${name}/versions/${version}` });
      const data = out.payload?.data;
      if (data === null || data === undefined) return undefined;
      const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data);
      return { value: bytes.toString('utf8'), number: versionNumber(out.name) };
    } catch (error) {
      const code = statusOf(error);
      if (code === 'NOT_FOUND') return undefined;
      if (code === 'FAILED_PRECONDITION') return 'unavailable';
      throw toStoreError(error, 'AccessSecretVersion', key);
    }
  }

  /** The newest version, whatever its state. */
  async latest(key: string, name: string): Promise<{ number: number; enabled: boolean } | undefined> {
    try {
      const [version] = await this.client.getSecretVersion({ name: `${name}/versions/latest` });
      return { number: versionNumber(version.name), enabled: version.state === 'ENABLED' };
    } catch (error) {
      if (statusOf(error) === 'NOT_FOUND') return undefined;
      throw toStoreError(error, 'GetSecretVersion', key);
    }
  }

  /** The current version: the newest one that is enabled. */
  async current(key: string, name: string): Promise<number | undefined> {
    const latest = await this.latest(key, name);
    if (!latest) return undefined;
    return latest.enabled ? latest.number : this.highestEnabled(key, name);
  }

  async highestEnabled(key: string, name: string): Promise<number | undefined> {
    let highest: number | undefined;
    for (const v of await this.versions(key, name))
      if (v.state === 'ENABLED' && (highest === undefined || v.number > highest)) highest = v.number;
    return highest;
  }

  async versions(key: string, name: string): Promise<{ number: number; state: string }[]> {
    const out: { number: number; state: string }[] = [];
    try {
      for await (const v of this.client.listSecretVersionsAsync(
        { parent: name, pageSize: 250 },
        { autoPaginate: false },
      ))
        out.push({ number: versionNumber(v.name), state: String(v.state) });
    } catch (error) {
      if (statusOf(error) === 'NOT_FOUND') return [];
      throw toStoreError(error, 'ListSecretVersions', key);
    }
    return out;
  }

  /** Adds a version; its number, or `undefined` when the secret no longer exists. */
  async add(key: string, name: string, data: Buffer): Promise<number | undefined> {
    try {
      const [version] = await this.client.addSecretVersion({ parent: name, payload: { data } });
      return versionNumber(version.name);
    } catch (error) {
      if (statusOf(error) === 'NOT_FOUND') return undefined;
      throw toStoreError(error, 'AddSecretVersion', key);
    }
  }

  async disable(key: string, name: string, version: number): Promise<void> {
    try {
      await this.client.disableSecretVersion({ name: `${name}/versions/${version}` });
    } catch (error) {
      throw toStoreError(error, 'DisableSecretVersion', key);
    }
  }

  /** Destroys a version; one destroyed meanwhile, or a secret gone, is not an error. */
  async destroy(key: string, name: string, version: number): Promise<void> {
    try {
      await this.client.destroySecretVersion({ name: `${name}/versions/${version}` });
    } catch (error) {
      const status = statusOf(error);
      if (status !== 'FAILED_PRECONDITION' && status !== 'NOT_FOUND')
        throw toStoreError(error, 'DestroySecretVersion', key);
    }
  }

  /** Replaces the secret's annotations if its etag is still `etag`; `false` when it is not. */
  async annotate(
    key: string,
    name: string,
    annotations: Record<string, string>,
    etag: string | null | undefined,
  ): Promise<boolean> {
    try {
      await this.client.updateSecret({
        secret: { name, annotations, etag },
        updateMask: { paths: ['annotations'] },
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 'ABORTED') return false;
      throw toStoreError(error, 'UpdateSecret', key);
    }
  }

  /** IDs of the secrets this store created (labelled), every page. */
  async listIds(what: string): Promise<string[]> {
    const ids: string[] = [];
    const filter = `labels.${MANAGED_BY[0]}=${MANAGED_BY[1]}`;
    try {
      for await (const secret of this.client.listSecretsAsync(
        { parent: this.parent, filter, pageSize: 250 },
        { autoPaginate: false },
      ))
        ids.push(secret.name?.split('/').pop() ?? '');
    } catch (error) {
      throw toStoreError(error, 'ListSecrets', what);
    }
    return ids;
  }
}
