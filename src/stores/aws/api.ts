// Everything about AWS Secrets Manager's side of AwsSecretsManagerStore: loading the optional SDK,
// the commands the store sends, their errors mapped onto the SDK's error hierarchy, and how keys
// and values are written as secret names and SecretStrings. The compare-and-set protocol built on
// these lives in store.ts.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  APIConnectionError,
  type APIError,
  AuthenticationError,
  ConfigurationError,
  errorClassForStatus,
  InvalidInputError,
  isEdenAIError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
} from '../../core/errors.js';
import type { Metadata } from '../../ports/stores.js';
import { copyMetadata } from '../cas.js';
import { loadOptional } from '../optional.js';

// The AWS SDK is an optional peer dependency: load it on first use so that importing this
// subpath (or the package) never fails, and a missing install says exactly what to do.

export type AwsSdk = typeof import('@aws-sdk/client-secrets-manager');

const MISSING =
  'AwsSecretsManagerStore needs @aws-sdk/client-secrets-manager: npm install @aws-sdk/client-secrets-manager';

/** Imports the SDK; `importer` is replaceable so tests can simulate a missing install. */
export function loadAwsSdk(
  importer: () => Promise<AwsSdk> = () => import('@aws-sdk/client-secrets-manager'),
): Promise<AwsSdk> {
  return loadOptional(importer, MISSING);
}

// Turns AWS SDK errors into the SDK's error hierarchy. AWS error messages never echo the
// SecretString we sent, so the server text is safe to keep; we add the operation and key name.
interface AwsErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** The AWS exception name of `error` (`ResourceNotFoundException`…), or `undefined`. */
export function awsErrorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as AwsErrorShape).name : undefined;
}

const AUTH = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);
const DENIED = new Set(['AccessDeniedException', 'DecryptionFailure', 'EncryptionFailure']);
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException']);

/** Wraps anything the AWS client threw in an `APIError` subclass with a clear message. */
export function toStoreError(error: unknown, operation: string, key: string): Error {
  if (isEdenAIError(error)) return error as Error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const what = `AWS Secrets Manager ${operation} of "${key}" failed: ${name}${e.message ? `: ${e.message}` : ''}`;
  // The client could not even build a request: no region anywhere (not a connection problem).
  if (status === undefined && /region is missing/i.test(e.message ?? ''))
    return new ConfigurationError(
      `${what}. Set a region: AWS_REGION, the profile's region, or clientConfig.region`,
      { cause: error },
    );
  const init = { status, requestId: e.$metadata?.requestId, cause: error };
  let Class: typeof APIError;
  if (AUTH.has(name)) Class = AuthenticationError;
  else if (DENIED.has(name)) Class = PermissionDeniedError;
  else if (THROTTLED.has(name)) Class = RateLimitError;
  // No HTTP status: the request never got an answer (refused, reset, timed out).
  else if (status === undefined) Class = APIConnectionError;
  else Class = errorClassForStatus(status);
  return new Class(what, init);
}

// Store keys ↔ Secrets Manager secret names. AWS names allow only ASCII letters, digits and
// `/_+=.@-` (at most 512 characters), so every other UTF-8 byte, and `=` itself, is written as
// `=XX` (quoted-printable style). The encoding works byte by byte, so the encoding of a key prefix
// is a prefix of the encoding of the key: `ListSecrets` can still filter by prefix.

const PLAIN = /^[A-Za-z0-9/_+.@-]$/;
const NAME = /^[A-Za-z0-9/_+=.@-]*$/;
const MAX_NAME = 512;

/** Encodes a store key (any non-empty string) into the characters AWS accepts in a secret name. */
function encodeKey(key: string): string {
  let out = '';
  for (const char of key) {
    if (PLAIN.test(char)) out += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The key a secret name (without the store prefix) encodes; `undefined` for a name we did not write. */
export function decodeKey(encoded: string): string | undefined {
  if (!NAME.test(encoded) || /=(?![0-9A-F]{2})/.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '=') {
      bytes.push(Number.parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(encoded.charCodeAt(i));
  }
  const key = Buffer.from(bytes).toString('utf8');
  return encodeKey(key) === encoded ? key : undefined; // rejects invalid UTF-8 and non-canonical forms
}

/** The full secret name of `key`; throws `InvalidInputError` when it would exceed AWS's 512 characters. */
export function secretName(prefix: string, key: string): string {
  const name = prefix + encodeKey(key);
  if (name.length > MAX_NAME) {
    throw new InvalidInputError(
      `Key is too long for AWS Secrets Manager: its secret name would have ${name.length} characters (max ${MAX_NAME})`,
      { field: 'key' },
    );
  }
  return name;
}

/** Validates the store prefix once, at construction. */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !NAME.test(prefix) || prefix.length > 256) {
    throw new ConfigurationError(
      'AwsSecretsManagerStore `prefix` must be a string of at most 256 characters from A-Z a-z 0-9 / _ + = . @ -',
    );
  }
  return prefix;
}

// The SecretString of an entry: `{"value": "...", "metadata": {...}}`. Metadata lives inside the
// version (not in tags), so it changes atomically with the value and each version keeps its own.

/** AWS rejects a SecretString over 65 536 bytes; we refuse it before sending anything. */
const MAX_SECRET_BYTES = 65_536;

export function encodePayload(value: string, metadata: Metadata | undefined): string {
  const text = JSON.stringify(metadata ? { value, metadata } : { value });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SECRET_BYTES) {
    throw new InvalidInputError(
      `Value too large for AWS Secrets Manager: ${bytes} bytes with its metadata (max ${MAX_SECRET_BYTES})`,
      { field: 'value' },
    );
  }
  return text;
}

/**
 * Reads a SecretString. A secret not written by this store (plain text, or JSON of another shape)
 * is returned whole as the value, so existing secrets can be read too.
 */
export function decodePayload(text: string): { value: string; metadata: Metadata | undefined } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { value, metadata } = parsed as { value?: unknown; metadata?: unknown };
      if (typeof value === 'string' && value.length > 0) {
        return { value, metadata: metadataOrUndefined(metadata) };
      }
    }
  } catch {
    // Not JSON: a plain secret string.
  }
  return { value: text, metadata: undefined };
}

function metadataOrUndefined(metadata: unknown): Metadata | undefined {
  try {
    return copyMetadata(metadata);
  } catch (error) {
    if (error instanceof InvalidInputError) return undefined; // edited by hand into another shape
    throw error;
  }
}

// A thin, typed layer over the Secrets Manager commands this store uses. It knows the wire and
// the AWS exception names; the compare-and-set logic lives in store.ts.

/** What `DescribeSecret` tells us about a secret: its AWSCURRENT version and whether it is deleted. */
export interface SecretState {
  current: string | undefined;
  /** Scheduled for deletion (inside its recovery window): reads fail, the name is still taken. */
  deleted: boolean;
}

export type DeleteMode = { RecoveryWindowInDays: number } | { ForceDeleteWithoutRecovery: true };

/** 10,000 pages of 100: a million secrets, far more than a prefix of this store holds. */
const MAX_LIST_PAGES = 10_000;

export class SecretsApi {
  constructor(
    private readonly sdk: AwsSdk,
    private readonly client: SecretsManagerClient,
    private readonly kmsKeyId: string | undefined,
  ) {}

  /** `undefined` when the secret does not exist or is scheduled for deletion. */
  async getValue(name: string, key: string): Promise<{ text: string; version: string } | undefined> {
    try {
      const out = await this.client.send(new this.sdk.GetSecretValueCommand({ SecretId: name }));
      if (typeof out.SecretString !== 'string' || !out.VersionId) return undefined; // binary secret: not ours
      return { text: out.SecretString, version: out.VersionId };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      // "marked for deletion" is an InvalidRequestException; other causes exist, so check.
      if (awsErrorName(error) === 'InvalidRequestException' && (await this.describe(name, key))?.deleted)
        return undefined;
      throw toStoreError(error, 'GetSecretValue', key);
    }
  }

  async describe(name: string, key: string): Promise<SecretState | undefined> {
    try {
      const out = await this.client.send(new this.sdk.DescribeSecretCommand({ SecretId: name }));
      const stages = Object.entries(out.VersionIdsToStages ?? {});
      const current = stages.find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];
      return { current, deleted: out.DeletedDate !== undefined };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw toStoreError(error, 'DescribeSecret', key);
    }
  }

  /** Creates the secret with its first version `token`. Throws the raw AWS error (callers branch on it). */
  async create(name: string, text: string, token: string): Promise<string> {
    const out = await this.client.send(
      new this.sdk.CreateSecretCommand({
        Name: name,
        SecretString: text,
        ClientRequestToken: token,
        ...(this.kmsKeyId && { KmsKeyId: this.kmsKeyId }),
      }),
    );
    return out.VersionId ?? token;
  }

  /** Adds version `token`; `pending` labels it AWSPENDING instead of AWSCURRENT. Throws raw AWS errors. */
  async put(name: string, text: string, token: string, pending: boolean): Promise<string> {
    const out = await this.client.send(
      new this.sdk.PutSecretValueCommand({
        SecretId: name,
        SecretString: text,
        ClientRequestToken: token,
        ...(pending && { VersionStages: ['AWSPENDING'] }),
      }),
    );
    return out.VersionId ?? token;
  }

  /** Moves AWSCURRENT from `from` to `to`; AWS refuses when AWSCURRENT is not on `from`. Throws raw AWS errors. */
  async promote(name: string, to: string, from: string): Promise<void> {
    await this.client.send(
      new this.sdk.UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: to,
        RemoveFromVersionId: from,
      }),
    );
  }

  async restore(name: string, key: string): Promise<void> {
    try {
      await this.client.send(new this.sdk.RestoreSecretCommand({ SecretId: name }));
    } catch (error) {
      throw toStoreError(error, 'RestoreSecret', key);
    }
  }

  /** False when there was nothing to delete (absent, or already scheduled for deletion). */
  async delete(name: string, key: string, mode: DeleteMode): Promise<boolean> {
    try {
      await this.client.send(new this.sdk.DeleteSecretCommand({ SecretId: name, ...mode }));
      return true;
    } catch (error) {
      const kind = awsErrorName(error);
      if (kind === 'ResourceNotFoundException') return false;
      if (kind === 'InvalidRequestException' && (await this.describe(name, key))?.deleted !== false)
        return false;
      throw toStoreError(error, 'DeleteSecret', key);
    }
  }

  /**
   * Names starting with `prefix` (case-sensitive), every page of `ListSecrets`. A `NextToken` seen
   * before would repeat the walk forever: that is refused, as is a walk past 10,000 pages.
   */
  async listNames(prefix: string): Promise<string[]> {
    const names: string[] = [];
    const tokens = new Set<string>();
    let NextToken: string | undefined;
    do {
      if (NextToken !== undefined) {
        if (tokens.has(NextToken) || tokens.size >= MAX_LIST_PAGES) {
          throw new ResponseValidationError(
            `AWS Secrets Manager ListSecrets of "${prefix}*" does not end (a NextToken repeats, or more than ${MAX_LIST_PAGES} pages)`,
            { issues: [{ path: 'NextToken', message: 'pagination never ends' }] },
          );
        }
        tokens.add(NextToken);
      }
      let out: Awaited<ReturnType<typeof this.listPage>>;
      try {
        out = await this.listPage(prefix, NextToken);
      } catch (error) {
        throw toStoreError(error, 'ListSecrets', `${prefix}*`);
      }
      // The name filter is a case-insensitive prefix match: check the case here.
      for (const s of out.SecretList ?? [])
        if (s.Name?.startsWith(prefix) && s.DeletedDate === undefined) names.push(s.Name);
      NextToken = out.NextToken;
    } while (NextToken);
    return names;
  }

  private listPage(prefix: string, NextToken: string | undefined) {
    return this.client.send(
      new this.sdk.ListSecretsCommand({
        MaxResults: 100,
        ...(prefix && { Filters: [{ Key: 'name', Values: [prefix] }] }),
        ...(NextToken && { NextToken }),
      }),
    );
  }
}
