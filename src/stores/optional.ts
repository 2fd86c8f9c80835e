// The cloud and Redis SDKs are optional peer dependencies: each adapter loads its SDK on first use,
// so importing a subpath (or the package) never fails, and a missing install says what to run.
import { ConfigurationError } from '../core/errors.js';

/** True when `error` says a module could not be found (ESM or CJS resolution). */
function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * Imports an optional SDK; a missing install is a `ConfigurationError` with `missing` (what to
 * install). `importer` is a function so tests can simulate a missing install.
 */
export async function loadOptional<T>(importer: () => Promise<T>, missing: string): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    if (isModuleNotFound(error)) throw new ConfigurationError(missing, { cause: error });
    throw error;
  }
}
