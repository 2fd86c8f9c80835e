// What KubernetesSecretStore needs of the cluster, kept apart from the compare-and-set logic:
// loading the optional client, store keys ↔ Secret names, Secret objects ↔ entries, and errors.
import type { V1Secret } from '@kubernetes/client-node';
import {
  APIConnectionError,
  type APIError,
  ConfigurationError,
  errorClassForStatus,
  InvalidInputError,
  isEdenAIError,
  PermissionDeniedError,
} from '../../core/errors.js';
import type { Metadata } from '../../ports/stores.js';
import { copyMetadata } from '../cas.js';
import { serviceName } from '../names.js';
import { loadOptional } from '../optional.js';

export type KubernetesSdk = typeof import('@kubernetes/client-node');

const MISSING = 'KubernetesSecretStore needs @kubernetes/client-node: npm install @kubernetes/client-node';

/** Imports the client; `importer` is replaceable so tests can simulate a missing install. */
export function loadKubernetesSdk(
  importer: () => Promise<KubernetesSdk> = () => import('@kubernetes/client-node'),
): Promise<KubernetesSdk> {
  return loadOptional(importer, MISSING);
}

/** The label every Secret of this store carries; `list` selects on it. */
export const MANAGED_BY = ['app.kubernetes.io/managed-by', 'edenai-token-manager'] as const;
/** The store key a Secret holds (names are an encoding of it, and not always reversible). */
export const KEY_ANNOTATION = 'edenai-token-manager/key';
const METADATA_ANNOTATION = 'edenai-token-manager/metadata';
/** Data keys: the current value, and the one it replaced until `forgetPrevious`. */
export const VALUE = 'value';
export const PREVIOUS = 'previous';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME = 253;
/** The API server's limit on a Secret's data (value + previous), in bytes. */
export const MAX_DATA_BYTES = 1024 * 1024;

/**
 * The Secret name of `key`. Keys made of lowercase letters, digits and single dashes between `/`
 * (`edenai/prod-web-app`) map to readable names, `/` becoming `.` (`edenai.prod-web-app`). Any other
 * key gets a readable slug, `--` (which readable names never contain) and 20 hex digits of its
 * SHA-256: `edenai.prod-web-app-pending--3f9a…`.
 */
export function secretName(prefix: string, key: string): string {
  return serviceName(key, { prefix, join: '.', mark: '--', max: MAX_NAME, fallback: 'key' });
}

/** Validates the name prefix once, at construction. */
export function checkPrefix(prefix: unknown): string {
  if (prefix === '') return prefix;
  if (typeof prefix !== 'string' || prefix.length > 120 || !SUBDOMAIN.test(`${prefix}a`))
    throw new ConfigurationError(
      'KubernetesSecretStore `prefix` must be empty or start a valid Secret name: lowercase letters, digits, `-` and `.` (at most 120 characters)',
    );
  return prefix;
}

/** An entry read from a Secret; `undefined` for a Secret without a `value`. */
export function readEntry(
  secret: V1Secret,
): { value: string; version: string; metadata: Metadata | undefined; previous: boolean } | undefined {
  const data = secret.data?.[VALUE];
  const version = secret.metadata?.resourceVersion;
  if (data === undefined || !version) return undefined;
  return {
    value: Buffer.from(data, 'base64').toString('utf8'),
    version,
    metadata: parseMetadata(secret.metadata?.annotations?.[METADATA_ANNOTATION]),
    previous: secret.data?.[PREVIOUS] !== undefined,
  };
}

function parseMetadata(text: string | undefined): Metadata | undefined {
  if (text === undefined) return undefined;
  try {
    return copyMetadata(JSON.parse(text));
  } catch {
    return undefined; // edited by hand into another shape
  }
}

/**
 * The Secret to write: `current` (kept: its other labels, annotations and type, so tools such as
 * Reloader keep working) with the new value, the old one under `previous`, and our annotations.
 */
export function nextSecret(
  name: string,
  namespace: string,
  key: string,
  value: string,
  metadata: Metadata | undefined,
  current: V1Secret | undefined,
): V1Secret {
  const annotations: Record<string, string> = { ...current?.metadata?.annotations, [KEY_ANNOTATION]: key };
  delete annotations[METADATA_ANNOTATION];
  if (metadata) annotations[METADATA_ANNOTATION] = JSON.stringify(metadata);
  const encoded = Buffer.from(value, 'utf8').toString('base64');
  const data: Record<string, string> = { [VALUE]: encoded };
  // The same value written again (a rotation taking over rewrites it) keeps the history as it is.
  const previous = current?.data?.[VALUE] === encoded ? current.data[PREVIOUS] : current?.data?.[VALUE];
  if (previous !== undefined) data[PREVIOUS] = previous;
  const bytes = Object.values(data).reduce((n, b64) => n + Buffer.from(b64, 'base64').length, 0);
  if (bytes > MAX_DATA_BYTES)
    throw new InvalidInputError(
      `Value too large for a Kubernetes Secret: ${bytes} bytes with the previous value (max ${MAX_DATA_BYTES})`,
      { field: 'value' },
    );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: current?.type ?? 'Opaque',
    metadata: {
      name,
      namespace,
      labels: { ...current?.metadata?.labels, [MANAGED_BY[0]]: MANAGED_BY[1] },
      annotations,
      ...(current?.metadata?.resourceVersion && { resourceVersion: current.metadata.resourceVersion }),
    },
    data,
  };
}

/** The HTTP status of a client error (`ApiException.code`), or `undefined` when none came back. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Wraps what the client threw in an `APIError` subclass naming the operation, Secret and key. */
export function toStoreError(error: unknown, operation: string, name: string, key: string): Error {
  if (isEdenAIError(error)) return error as Error;
  const status = statusOf(error);
  let body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not a Status object
    }
  }
  // Status messages name the object and field, never a data value.
  const detail = (body as { message?: unknown } | undefined)?.message;
  const what = `Kubernetes ${operation} of Secret "${name}" (key "${key}") failed${typeof detail === 'string' ? `: ${detail}` : ''}`;
  if (status === undefined)
    return new APIConnectionError(`${what}: ${(error as Error | null)?.message ?? String(error)}`, {
      cause: error,
    });
  let Class: typeof APIError = errorClassForStatus(status);
  let hint = '';
  if (status === 403) {
    Class = PermissionDeniedError;
    hint = '; the service account needs get, list, create, update and delete on secrets in this namespace';
  }
  return new Class(what + hint, { status, cause: error });
}
