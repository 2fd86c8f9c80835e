// The Management API's request pipeline: the shared HTTP core with the v3 defaults (host, management
// key) and the Management API's errors made actionable. The server's "This endpoint needs a
// management key" and scope refusals become errors that say which key to use; they never include the
// key itself, nor anything shaped like an Eden key that a server echoed back.
import {
  APIError,
  AuthenticationError,
  ConfigurationError,
  PermissionDeniedError,
  ResponseValidationError,
} from '../core/errors.js';
import { type ResolvedOptions, readEnv, resolveOptions } from '../http/options.js';
import { type Call, RequestCore } from '../http/request-core.js';
import type { ManagementKeyClientOptions } from './types.js';

/**
 * The v3 host; the version is part of the base URL.
 * @example new ManagementKeyClient({ baseUrl: DEFAULT_MANAGEMENT_BASE_URL.replace('api.', 'api.eu.') });
 */
export const DEFAULT_MANAGEMENT_BASE_URL = 'https://api.edenai.run/v3';
/**
 * Where the management key is read from when `apiKey` is not given.
 * @example process.env[MANAGEMENT_KEY_ENV] = 'mgmt-eden-…';
 */
export const MANAGEMENT_KEY_ENV = 'EDENAI_MANAGEMENT_KEY';

/** Applies the v3 defaults, then the shared validation of the request core's options. */
export function resolveManagementOptions(options: ManagementKeyClientOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('ManagementKeyClient options must be an object');
  const apiKey = options.apiKey ?? readEnv(MANAGEMENT_KEY_ENV);
  // Checked here: the shared resolver would fall back to EDENAI_API_KEY, an inference key.
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ConfigurationError(
      `Missing Eden AI management key: pass { apiKey } or set ${MANAGEMENT_KEY_ENV} to a mgmt-eden-… key with the manage:read / manage:write scopes (Account → Management Keys)`,
    );
  }
  return resolveOptions({ ...options, apiKey, baseUrl: options.baseUrl ?? DEFAULT_MANAGEMENT_BASE_URL });
}

/**
 * The shared v2 request pipeline (auth, pacing, timeouts, retries, validation, redaction) with
 * the Management API's error explanations on top.
 */
export class ManagementCore {
  readonly #core: RequestCore;
  readonly #inferenceKey: boolean;

  constructor(options: ResolvedOptions) {
    this.#core = new RequestCore(options);
    this.#inferenceKey = options.apiKey.startsWith('sk-eden-');
  }

  async request<T>(call: Call<T>): Promise<T> {
    try {
      return await this.#core.request(call);
    } catch (error) {
      throw explainManagementError(error, this.#inferenceKey);
    }
  }
}

const NEEDS_MANAGEMENT_KEY =
  'This endpoint needs a management key: use a mgmt-eden-… key with the manage:read / manage:write scopes (set EDENAI_MANAGEMENT_KEY or pass { apiKey }), not an inference key (sk-eden-…) or a v2 API key';
const SCOPE_HINT = 'reads need a management key with manage:read, writes one with manage:write';

/** The server's own words: `APIError` prefixes the status and appends `(METHOD /path)`. */
function serverText(error: APIError): string {
  let text = error.message;
  const status = error.status ? `${error.status} ` : '';
  if (status && text.startsWith(status)) text = text.slice(status.length);
  const where = error.method && error.path ? ` (${error.method} ${error.path})` : '';
  if (where && text.endsWith(where)) text = text.slice(0, -where.length);
  return text;
}

/** Inference and management keys have known shapes: cut them out of any text a server sent. */
const KEY_LIKE = /\b(?:sk|mgmt)-eden-[\w.-]+/g;

function scrubKeys(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(KEY_LIKE, '[redacted]');
  if (Array.isArray(value)) return value.map(scrubKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubKeys(v);
  return out;
}

function hasKeyLike(error: APIError): boolean {
  KEY_LIKE.lastIndex = 0;
  const found = KEY_LIKE.test(`${error.message}\n${JSON.stringify(error.body) ?? ''}`);
  KEY_LIKE.lastIndex = 0;
  return found;
}

function rebuild(ErrorClass: typeof APIError, message: string, error: APIError): APIError {
  return new ErrorClass(message, {
    status: error.status,
    headers: error.headers,
    body: error.body,
    method: error.method,
    path: error.path,
    requestId: error.requestId,
    cause: error,
  });
}

/** The same error without key-shaped text; the original (which holds it) is not kept as cause. */
function withoutKeys(error: APIError): APIError {
  const message = scrubKeys(serverText(error)) as string;
  const init = {
    status: error.status,
    headers: error.headers,
    body: scrubKeys(error.body),
    method: error.method,
    path: error.path,
    requestId: error.requestId,
    cause: error.cause,
  };
  return error instanceof ResponseValidationError
    ? new ResponseValidationError(message, { ...init, issues: [...error.issues] })
    : new (error.constructor as typeof APIError)(message, init);
}

/**
 * Rewrites a 401 answered to a non-management key, and adds the scope rule to a 403.
 * `inferenceKey`: the client's key looks like an inference key (`sk-eden-…`).
 */
function explainManagementError(error: unknown, inferenceKey: boolean): unknown {
  if (error instanceof APIError && hasKeyLike(error)) error = withoutKeys(error);
  if (error instanceof AuthenticationError) {
    const text = serverText(error);
    if (inferenceKey || /management key/i.test(text))
      return rebuild(AuthenticationError, NEEDS_MANAGEMENT_KEY, error);
    return error;
  }
  if (error instanceof PermissionDeniedError) {
    const text = serverText(error);
    return /manage:(?:read|write)/.test(text)
      ? error
      : rebuild(PermissionDeniedError, `${text} (${SCOPE_HINT})`, error);
  }
  return error;
}
