// ioredis is an optional peer dependency: load it on first use so that importing this subpath
// never fails, and a missing install says exactly what to do.
import { ConfigurationError } from '../../core/errors.js';

type RedisClass = typeof import('ioredis').Redis;

/** What we need of the module: its `Redis` class (a named export, or under `default` through CJS interop). */
export interface IoRedis {
  Redis?: RedisClass;
  default?: RedisClass | { Redis?: RedisClass };
}

/** The `Redis` class of a loaded ioredis module. */
export function redisClass(mod: IoRedis): RedisClass {
  const found = mod.Redis ?? (mod.default as { Redis?: RedisClass } | undefined)?.Redis ?? mod.default;
  if (typeof found !== 'function') throw new ConfigurationError('ioredis did not export a Redis class');
  return found as RedisClass;
}

const MISSING = 'RedisStateStore needs ioredis: npm install ioredis';

/** Imports ioredis; `importer` is replaceable so tests can simulate a missing install. */
export async function loadIoRedis(
  importer: () => Promise<IoRedis> = () => import('ioredis') as Promise<IoRedis>,
): Promise<IoRedis> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw new ConfigurationError(MISSING, { cause: error });
    throw error;
  }
}
