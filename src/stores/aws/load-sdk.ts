// The AWS SDK is an optional peer dependency: load it on first use so that importing this
// subpath (or the package) never fails, and a missing install says exactly what to do.
import { ConfigurationError } from '../../core/errors.js';

export type AwsSdk = typeof import('@aws-sdk/client-secrets-manager');

const MISSING =
  'AwsSecretsManagerStore needs @aws-sdk/client-secrets-manager: npm install @aws-sdk/client-secrets-manager';

/** True when `error` says a module could not be found (ESM or CJS resolution). */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** Imports the SDK; `importer` is replaceable so tests can simulate a missing install. */
export async function loadAwsSdk(
  importer: () => Promise<AwsSdk> = () => import('@aws-sdk/client-secrets-manager'),
): Promise<AwsSdk> {
  try {
    return await importer();
  } catch (error) {
    if (isModuleNotFound(error)) throw new ConfigurationError(MISSING, { cause: error });
    throw error;
  }
}
