// Turns AWS SDK errors into the SDK's error hierarchy. AWS error messages never echo the
// SecretString we sent, so the server text is safe to keep; we add the operation and key name.
import {
  APIConnectionError,
  type APIError,
  AuthenticationError,
  errorClassForStatus,
  isEdenAIError,
  PermissionDeniedError,
  RateLimitError,
} from '../../core/errors.js';

export interface AwsErrorShape {
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
