import { ConfigurationError } from '../core/errors.js';
import { type ClientOptions, type ResolvedOptions, resolveOptions } from '../http/options.js';

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

/**
 * Options of `ManagementKeyClient`: the v2 client options, with a management key and the v3 host.
 *
 * @example
 * const options: ManagementKeyClientOptions = {
 *   apiKey: process.env.EDENAI_MANAGEMENT_KEY, // mgmt-eden-… with manage:read / manage:write
 *   maxRequestsPerSecond: 10,
 * };
 */
export interface ManagementKeyClientOptions extends ClientOptions {
  /**
   * A management (auth) key, `mgmt-eden-…`, with `manage:read` (reads) and `manage:write` (writes).
   * Default: `process.env.EDENAI_MANAGEMENT_KEY`; missing → `ConfigurationError`.
   */
  apiKey?: string | undefined;
  /** Includes the API version. Default `https://api.edenai.run/v3`. */
  baseUrl?: string | undefined;
}

/** Applies the v3 defaults, then the shared validation of the request core's options. */
export function resolveManagementOptions(options: ManagementKeyClientOptions = {}): ResolvedOptions {
  const apiKey = options.apiKey ?? process.env[MANAGEMENT_KEY_ENV];
  // Checked here: the shared resolver would fall back to EDENAI_API_KEY, an inference key.
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new ConfigurationError(
      `Missing Eden AI management key: pass { apiKey } or set ${MANAGEMENT_KEY_ENV} to a mgmt-eden-… key with the manage:read / manage:write scopes (Account → Management Keys)`,
    );
  }
  return resolveOptions({ ...options, apiKey, baseUrl: options.baseUrl ?? DEFAULT_MANAGEMENT_BASE_URL });
}
