/**
 * One error hierarchy for the whole SDK. Every error carries a readable message and never a
 * token value or API key: messages are built from names, statuses and server text only.
 */

/**
 * The stable, documented code every SDK error carries (`error.code`): branch on it, not on the
 * message. Codes are part of the public API; see docs/errors.md for what each means.
 */
export type ErrorCode =
  | 'edenai_error'
  | 'api_error'
  | 'bad_request'
  | 'name_taken'
  | 'authentication_failed'
  | 'insufficient_credits'
  | 'permission_denied'
  | 'not_found'
  | 'token_not_found'
  | 'endpoint_not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'server_error'
  | 'connection_failed'
  | 'timeout'
  | 'invalid_response'
  | 'invalid_input'
  | 'policy_violation'
  | 'configuration_invalid'
  | 'version_conflict'
  | 'rotation_in_progress'
  | 'rotation_failed'
  | 'notifier_delivery_failed'
  | 'webhook_verification_failed';

const BRAND = Symbol.for('edenai-token-manager.error');

/**
 * Base class of every error this SDK throws. Messages never contain a token value or API key.
 *
 * @example
 * try {
 *   await registry.create({ environment: 'prod', app: 'web-app', budget: 5000 });
 * } catch (error) {
 *   if (isEdenAIError(error)) console.error(error.name, error.message);
 * }
 */
export class EdenAIError extends Error {
  /** @internal brand shared by ESM and CJS copies of the package. */
  readonly [BRAND] = true;
  /** The class's default code; an instance may carry a more precise one (`name_taken`, `token_not_found`). */
  static readonly code: ErrorCode = 'edenai_error';
  /** Stable machine-readable code: branch on it, not on the message. */
  readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options?.code ?? (new.target as unknown as { code: ErrorCode }).code;
  }
}

/**
 * True for any error thrown by this SDK, even one from another copy of the package (ESM vs CJS).
 *
 * @example
 * if (isEdenAIError(error)) logger.warn(error.message);
 */
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
  /** A more precise code than the class's own (e.g. `name_taken` for a 400). */
  code?: ErrorCode | undefined;
}

/**
 * An error answered by (or on the way to) the Eden AI API: carries `status`, `headers`, the parsed
 * `body` (credentials scrubbed), `method`, `path` and `requestId`. One subclass per status.
 *
 * @example
 * try {
 *   await client.get('prod-web-app');
 * } catch (error) {
 *   if (error instanceof NotFoundError) return undefined;
 *   if (error instanceof APIError) console.error(error.status, error.method, error.path);
 *   throw error;
 * }
 */
export class APIError extends EdenAIError {
  static override readonly code: ErrorCode = 'api_error';
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly requestId: string | undefined;
  constructor(message: string, init: APIErrorInit = {}) {
    const where = init.method && init.path ? ` (${init.method} ${init.path})` : '';
    const status = init.status ? `${init.status} ` : '';
    super(`${status}${message}${where}`, { cause: init.cause, code: init.code });
    this.status = init.status;
    this.headers = init.headers ?? {};
    this.body = init.body;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
  }
}

/**
 * 400: Eden rejected the request (field errors are in the message, e.g. a duplicate name).
 *
 * @example
 * if (error instanceof BadRequestError) console.error(error.message); // 400 name: Token with this name already exists.
 */
export class BadRequestError extends APIError {
  static override readonly code: ErrorCode = 'bad_request';
}
/**
 * 401: the API key (or management key) was refused.
 *
 * @example
 * if (error instanceof AuthenticationError) console.error('Check EDENAI_API_KEY');
 */
export class AuthenticationError extends APIError {
  static override readonly code: ErrorCode = 'authentication_failed';
}
/**
 * 402: the account is out of credits.
 *
 * @example
 * if (error instanceof PaymentRequiredError) await alertFinance();
 */
export class PaymentRequiredError extends APIError {
  static override readonly code: ErrorCode = 'insufficient_credits';
}
/**
 * 403: the key may not manage tokens (or read costs).
 *
 * @example
 * if (error instanceof PermissionDeniedError) console.error(error.message);
 */
export class PermissionDeniedError extends APIError {
  static override readonly code: ErrorCode = 'permission_denied';
}
/**
 * 404: no token (or data) by that name.
 *
 * @example
 * const token = await client.get(name).catch((e) => (e instanceof NotFoundError ? undefined : Promise.reject(e)));
 */
export class NotFoundError extends APIError {
  static override readonly code: ErrorCode = 'not_found';
}
/**
 * 409: the server reports a conflicting change.
 *
 * @example
 * if (error instanceof ConflictError) await retryLater();
 */
export class ConflictError extends APIError {
  static override readonly code: ErrorCode = 'conflict';
}
/**
 * 422: the server could not process a well-formed request.
 *
 * @example
 * if (error instanceof UnprocessableEntityError) console.error(error.body);
 */
export class UnprocessableEntityError extends APIError {
  static override readonly code: ErrorCode = 'unprocessable';
}
/**
 * 429 after the retries ran out; the `retry-after` header says when to come back.
 *
 * @example
 * if (error instanceof RateLimitError) console.warn('slow down', error.headers['retry-after']);
 */
export class RateLimitError extends APIError {
  static override readonly code: ErrorCode = 'rate_limited';
}
/**
 * 5xx after the retries ran out (an HTML error page becomes a short message).
 *
 * @example
 * if (error instanceof InternalServerError) console.error(error.status, error.message);
 */
export class InternalServerError extends APIError {
  static override readonly code: ErrorCode = 'server_error';
}
/**
 * The request never got an HTTP answer (DNS, refused, reset, dropped), after the retries ran out.
 *
 * @example
 * if (error instanceof APIConnectionError) console.error('Eden AI unreachable:', error.message);
 */
export class APIConnectionError extends APIError {
  static override readonly code: ErrorCode = 'connection_failed';
}
/**
 * The request (each attempt) took longer than `timeoutMs`, after the retries ran out.
 *
 * @example
 * await client.list({ timeoutMs: 5_000 }).catch((e) => {
 *   if (e instanceof APITimeoutError) console.warn('Eden AI is slow today');
 * });
 */
export class APITimeoutError extends APIConnectionError {
  static override readonly code: ErrorCode = 'timeout';
}

/**
 * Maps an HTTP status to the matching error class (the one factory every client uses).
 *
 * @example
 * errorClassForStatus(404) === NotFoundError; // true
 * errorClassForStatus(503) === InternalServerError; // true
 */
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

/**
 * The server answered with a body that does not match the documented schema; `issues` name the fields.
 *
 * @example
 * if (error instanceof ResponseValidationError) console.error(error.issues.map((i) => i.path));
 */
export class ResponseValidationError extends APIError {
  static override readonly code: ErrorCode = 'invalid_response';
  readonly issues: readonly { path: string; message: string }[];
  constructor(message: string, init: APIErrorInit & { issues?: { path: string; message: string }[] } = {}) {
    super(message, init);
    this.issues = init.issues ?? [];
  }
}

/**
 * Input rejected before any request was sent (malformed name, negative budget, begin after end…);
 * nothing was changed. `field` names the offending input.
 *
 * @example
 * await registry.setBudget('prod-web-app', -5).catch((e) => {
 *   if (e instanceof InvalidInputError) console.error(e.field, e.message);
 * });
 */
export class InvalidInputError extends EdenAIError {
  static override readonly code: ErrorCode = 'invalid_input';
  readonly field: string | undefined;
  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options);
    this.field = options.field;
  }
}

/**
 * A write would break an environment's policy; says which rule and which value. Nothing was changed.
 *
 * @example
 * await registry.create({ environment: 'prod', app: 'web', budget: 3000 }).catch((e) => {
 *   if (e instanceof PolicyViolationError) console.error(e.rule, e.value); // budget.max 3000
 * });
 */
export class PolicyViolationError extends EdenAIError {
  static override readonly code: ErrorCode = 'policy_violation';
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

/**
 * The SDK is misconfigured (missing API key, bad policy, bad store key…).
 *
 * @example
 * try {
 *   new CustomTokenClient(); // no apiKey and no EDENAI_API_KEY
 * } catch (e) {
 *   if (e instanceof ConfigurationError) console.error(e.message);
 * }
 */
export class ConfigurationError extends EdenAIError {
  static override readonly code: ErrorCode = 'configuration_invalid';
}

/**
 * A compare-and-set write found another version than the one expected; nothing was written.
 *
 * @example
 * const entry = await store.get('edenai/prod-web-app');
 * await store.set('edenai/prod-web-app', value, { ifVersion: entry?.version ?? null }).catch((e) => {
 *   if (e instanceof VersionConflictError) console.warn('someone else wrote it first');
 * });
 */
export class VersionConflictError extends EdenAIError {
  static override readonly code: ErrorCode = 'version_conflict';
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

/**
 * Another rotation of the same token is running and holds its lock (another process, or its grace period).
 *
 * @example
 * await rotation.rotate('prod-web-app').catch((e) => {
 *   if (e instanceof RotationInProgressError) console.log('already rotating:', e.rotationId);
 * });
 */
export class RotationInProgressError extends EdenAIError {
  static override readonly code: ErrorCode = 'rotation_in_progress';
  readonly tokenName: string;
  readonly rotationId: string | undefined;
  /** Set when the rotation is in its grace period: when `finalize()` revokes the old generation. */
  readonly graceEndsAt: Date | undefined;
  constructor(tokenName: string, rotationId?: string, graceEndsAt?: Date) {
    const id = rotationId ? ` (rotation ${rotationId})` : '';
    super(
      graceEndsAt
        ? `Token "${tokenName}" is in the grace period of its last rotation${id} until ${graceEndsAt.toISOString()}: both generations work until then; call finalize({ force: true }) to end it now, then rotate again`
        : `Token "${tokenName}" is already being rotated${id}`,
    );
    this.tokenName = tokenName;
    this.rotationId = rotationId;
    this.graceEndsAt = graceEndsAt;
  }
}

/**
 * A rotation failed at a step; it was rolled back or can be resumed (see `step`, `resumable`).
 *
 * @example
 * await rotation.rotate('prod-web-app').catch(async (e) => {
 *   if (e instanceof RotationError && e.resumable) await rotation.resume();
 * });
 */
export class RotationError extends EdenAIError {
  static override readonly code: ErrorCode = 'rotation_failed';
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
