import { usageError } from './errors.js';

/** The Eden AI APIs the CLI can manage tokens through. */
export const API_VERSIONS = ['v2', 'v3'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/** Where `EDENAI_API_VERSION` is read from when `--api` is not given. */
export const API_VERSION_ENV = 'EDENAI_API_VERSION';

function isApiVersion(text: string): text is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(text);
}

/**
 * `--api` wins over `EDENAI_API_VERSION`; `undefined` when neither is set (the config file's
 * `api.version`, else v2, decides). A bad value is a usage error: the command line is wrong.
 */
export function apiVersionFrom(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): ApiVersion | undefined {
  if (flag !== undefined) {
    if (isApiVersion(flag)) return flag;
    throw usageError(`--api must be v2 or v3, got "${flag}"`);
  }
  const fromEnv = env[API_VERSION_ENV];
  if (fromEnv === undefined || fromEnv === '') return undefined;
  if (isApiVersion(fromEnv)) return fromEnv;
  throw usageError(`${API_VERSION_ENV} must be v2 or v3, got "${fromEnv}"`);
}
