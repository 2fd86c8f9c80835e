// What AzureKeyVaultStore needs of Key Vault, kept apart from the store's logic: loading the
// optional SDKs, store keys ↔ secret names, metadata ↔ tags, and errors.
import type { SecretClient } from '@azure/keyvault-secrets';
import {
  APIConnectionError,
  AuthenticationError,
  ConfigurationError,
  errorClassForStatus,
  InvalidInputError,
  isEdenAIError,
  PermissionDeniedError,
} from '../../core/errors.js';
import type { Metadata } from '../../ports/stores.js';
import { copyMetadata } from '../cas.js';
import { serviceName } from '../names.js';

export type AzureSdk = typeof import('@azure/keyvault-secrets');
/** What Key Vault clients authenticate with: any `@azure/identity` credential, or your own. */
export type TokenCredential = ConstructorParameters<typeof SecretClient>[1];
export interface AzureIdentity {
  DefaultAzureCredential: new () => TokenCredential;
}

export const MISSING_SDK =
  'AzureKeyVaultStore needs @azure/keyvault-secrets: npm install @azure/keyvault-secrets';
export const MISSING_IDENTITY =
  'AzureKeyVaultStore needs @azure/identity for its default credential: npm install @azure/identity, or pass `credential`';

const MAX_NAME = 127;

/**
 * The secret name of `key`. Key Vault names are 1–127 letters, digits and dashes, compared without
 * case. Keys made of lowercase letters, digits and single dashes between `/` map to readable names,
 * `/` becoming `--` (`edenai/prod-web-app` → `edenai--prod-web-app`). Any other key gets a readable
 * slug, `---` (which readable names never contain) and 20 hex digits of its SHA-256. Either way the
 * key itself is kept in a tag.
 */
export function secretName(prefix: string, key: string): string {
  return serviceName(key, { prefix, join: '--', mark: '---', max: MAX_NAME, fallback: 'k' });
}

/** Validates the name prefix once, at construction. */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !/^([a-zA-Z0-9]([a-zA-Z0-9-]{0,38}))?$/.test(prefix))
    throw new ConfigurationError(
      'AzureKeyVaultStore `prefix` must be empty, or up to 39 letters, digits and dashes starting with a letter or digit',
    );
  return prefix;
}

// Tags of each version: who manages it, which key it holds, and one tag per metadata field (a tag
// value holds at most 256 characters; a version at most 15 tags).
export const MANAGED_BY = ['managed-by', 'edenai-token-manager'] as const;
export const KEY_TAG = 'edenai-key';
const META = 'edenai-meta-';
const MAX_TAG_VALUE = 256;
const MAX_META_FIELDS = 13;

/** The tags of a new version. Throws `InvalidInputError` for what Key Vault would refuse. */
export function versionTags(key: string, metadata: Metadata | undefined): Record<string, string> {
  if (key.length > MAX_TAG_VALUE)
    throw new InvalidInputError(
      `Key is too long for Azure Key Vault: ${key.length} characters (max ${MAX_TAG_VALUE})`,
      {
        field: 'key',
      },
    );
  const tags: Record<string, string> = { [MANAGED_BY[0]]: MANAGED_BY[1], [KEY_TAG]: key };
  const fields = Object.entries(metadata ?? {});
  if (fields.length > MAX_META_FIELDS)
    throw new InvalidInputError(`Azure Key Vault keeps at most ${MAX_META_FIELDS} metadata fields`, {
      field: 'metadata',
    });
  for (const [name, value] of fields) {
    const text = JSON.stringify(value);
    if (text.length > MAX_TAG_VALUE || name.length > 400)
      throw new InvalidInputError(
        `metadata.${name} is too long for an Azure Key Vault tag (max ${MAX_TAG_VALUE})`,
        {
          field: 'metadata',
        },
      );
    tags[META + name] = text;
  }
  return tags;
}

/** The metadata in a version's tags, or `undefined` when it has none. */
export function tagMetadata(tags: Record<string, string> | undefined): Metadata | undefined {
  const out: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(tags ?? {})) {
    if (!name.startsWith(META)) continue;
    try {
      out[name.slice(META.length)] = JSON.parse(text);
    } catch {
      out[name.slice(META.length)] = text; // set by hand
    }
  }
  if (Object.keys(out).length === 0) return undefined;
  try {
    return copyMetadata(out);
  } catch {
    return undefined;
  }
}

interface RestErrorShape {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
  details?: { error?: { innerError?: { code?: unknown }; innererror?: { code?: unknown } } };
}

/** The HTTP status of an SDK error, or `undefined` when the request got no answer. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as RestErrorShape | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Key Vault's inner error code (`ObjectIsDeletedButRecoverable`, `SecretDisabled`…), if any. */
export function innerCode(error: unknown): string | undefined {
  const inner = (error as RestErrorShape | null)?.details?.error;
  const code = inner?.innerError?.code ?? inner?.innererror?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wraps what the SDK threw in an `APIError` subclass naming the operation and key, with Key Vault's
 * code and message. The SDK's error is not kept as `cause`: its request holds the value being set.
 */
export function toStoreError(error: unknown, operation: string, key: string): Error {
  if (isEdenAIError(error)) return error as Error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as RestErrorShape;
  const status = statusOf(error);
  const code = typeof e.code === 'string' ? `${e.code}: ` : '';
  const what = `Azure Key Vault ${operation} of "${key}" failed: ${code}${typeof e.message === 'string' ? e.message : String(error)}`;
  if (status === undefined) return new APIConnectionError(what);
  if (status === 401)
    return new AuthenticationError(`${what} (check the credential and its tenant)`, { status });
  if (status === 403 && innerCode(error) !== 'SecretDisabled')
    return new PermissionDeniedError(
      `${what} (the identity needs the Key Vault Secrets Officer role, or get, list, set, delete, recover and purge secret permissions)`,
      { status },
    );
  return new (errorClassForStatus(status))(what, { status });
}
