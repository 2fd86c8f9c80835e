/**
 * One error hierarchy for the whole SDK. Every error carries a readable message and never a
 * token value or API key: messages are built from names, statuses and server text only.
 */

const BRAND = Symbol.for('edenai-token-manager.error');

/** Base class of every error this SDK throws. */
export class EdenAIError extends Error {
  /** @internal brand shared by ESM and CJS copies of the package. */
  readonly [BRAND] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for any error thrown by this SDK, even one from another copy of the package (ESM vs CJS). */
export function isEdenAIError(value: unknown): value is EdenAIError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

export interface APIErrorInit {
  status?: number | undefined;
  headers?: Record<string, string> | undefined;
  body?: unknown;
  method?: string | undefined;
  path?: string | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/** An error answered by (or on the way to) the Eden AI API. */
export class APIError extends EdenAIError {
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly requestId: string | undefined;
  constructor(message: string, init: APIErrorInit = {}) {
    const where = init.method && init.path ? ` (${init.method} ${init.path})` : '';
    const status = init.status ? `${init.status} ` : '';
    super(`${status}${message}${where}`, { cause: init.cause });
    this.status = init.status;
    this.headers = init.headers ?? {};
    this.body = init.body;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
  }
}

export class BadRequestError extends APIError {}
export class AuthenticationError extends APIError {}
/** 402: the account is out of credits. */
export class PaymentRequiredError extends APIError {}
export class PermissionDeniedError extends APIError {}
export class NotFoundError extends APIError {}
export class ConflictError extends APIError {}
export class UnprocessableEntityError extends APIError {}
export class RateLimitError extends APIError {}
export class InternalServerError extends APIError {}
/** The request never got an HTTP answer (DNS, refused, reset, dropped). */
export class APIConnectionError extends APIError {}
/** The request (one attempt) took longer than `timeoutMs`. */
export class APITimeoutError extends APIConnectionError {}

/** Maps an HTTP status to the matching error class. */
export function errorClassForStatus(status: number): typeof APIError {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 402:
      return PaymentRequiredError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 422:
      return UnprocessableEntityError;
    case 429:
      return RateLimitError;
    default:
      return status >= 500 ? InternalServerError : APIError;
  }
}

/** The server answered with a body that does not match the documented schema. */
export class ResponseValidationError extends APIError {
  readonly issues: readonly { path: string; message: string }[];
  constructor(message: string, init: APIErrorInit & { issues?: { path: string; message: string }[] } = {}) {
    super(message, init);
    this.issues = init.issues ?? [];
  }
}

/** Input rejected before any request was sent (malformed name, negative budget, begin after end…). */
export class InvalidInputError extends EdenAIError {
  readonly field: string | undefined;
  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options);
    this.field = options.field;
  }
}

/** A write would break an environment's policy; says which rule and which value. */
export class PolicyViolationError extends EdenAIError {
  readonly environment: string;
  readonly rule: string;
  readonly value: unknown;
  constructor(message: string, init: { environment: string; rule: string; value?: unknown }) {
    super(message);
    this.environment = init.environment;
    this.rule = init.rule;
    this.value = init.value;
  }
}

/** The SDK is misconfigured (missing API key, bad policy, bad store key…). */
export class ConfigurationError extends EdenAIError {}

/** A compare-and-set write found another version than the one expected. */
export class VersionConflictError extends EdenAIError {
  readonly key: string;
  readonly expected: string | null | undefined;
  readonly actual: string | null | undefined;
  constructor(key: string, expected: string | null | undefined, actual: string | null | undefined) {
    super(
      `Version conflict on "${key}": expected ${expected === null ? 'no entry' : `version ${expected}`}, found ${actual == null ? 'no entry' : `version ${actual}`}`,
    );
    this.key = key;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Another rotation of the same token is running and holds its lock. */
export class RotationInProgressError extends EdenAIError {
  readonly tokenName: string;
  readonly rotationId: string | undefined;
  constructor(tokenName: string, rotationId?: string) {
    super(`Token "${tokenName}" is already being rotated${rotationId ? ` (rotation ${rotationId})` : ''}`);
    this.tokenName = tokenName;
    this.rotationId = rotationId;
  }
}

/** A rotation failed at a step; it was rolled back or can be resumed (see `step`, `resumable`). */
export class RotationError extends EdenAIError {
  readonly tokenName: string;
  readonly step: string;
  readonly resumable: boolean;
  constructor(
    message: string,
    init: { tokenName: string; step: string; resumable: boolean; cause?: unknown },
  ) {
    super(message, { cause: init.cause });
    this.tokenName = init.tokenName;
    this.step = init.step;
    this.resumable = init.resumable;
  }
}
