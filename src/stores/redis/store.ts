import { createHash, randomBytes } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import type { JsonValue } from 'type-fest';
import { ConfigurationError, InvalidInputError, VersionConflictError } from '../../core/errors.js';
import type { DeleteOptions, StateStore, StoredState } from '../../ports/stores.js';
import { assertIfVersion, assertKey, assertPrefix, cloneJson } from '../cas.js';
import { loadOptional } from '../optional.js';

/**
 * Options of {@link RedisStateStore}.
 *
 * @example
 * const options: RedisStateStoreOptions = { redis: 'redis://redis.internal:6379/2', ttlByPrefix: { 'rotation/lock/': 3_600_000 } };
 */
export interface RedisStateStoreOptions {
  /**
   * An ioredis client you manage (not closed by `dispose()`), or the options or URL of one the
   * store creates (and closes). Default: `redis://127.0.0.1:6379`.
   */
  redis?: Redis | RedisOptions | string;
  /** Prepended to every Redis key. Default `'edenai:'`. */
  prefix?: string;
  /**
   * Default TTL (ms) of writes whose key starts with one of these prefixes and that pass no
   * `ttlMs`: the longest matching prefix wins. E.g. `{ 'rotation/lock/': 3_600_000 }` lets the
   * locks of crashed processes vanish on their own. Keep it longer than the lock lease.
   */
  ttlByPrefix?: Record<string, number>;
}

/**
 * `set` options: the StateStore ones plus an optional expiry.
 *
 * @example
 * await state.set('maintenance/notice', { until: '2026-01-01' }, { ifVersion: null, ttlMs: 86_400_000 });
 */
export interface RedisSetOptions {
  ifVersion?: string | null;
  /** The entry expires (disappears) this many ms after this write; a later write without it makes it permanent. */
  ttlMs?: number;
}

const KNOWN = new Set(['redis', 'prefix', 'ttlByPrefix']);

const isClient = (value: unknown): value is Redis =>
  typeof (value as Redis | null)?.evalsha === 'function' && typeof (value as Redis).scan === 'function';

/**
 * A `StateStore` on Redis (ioredis): one hash per key, `{ v: version, d: JSON }`, written by Lua
 * scripts so compare-and-set is atomic for every process sharing the server. `list` uses SCAN.
 * Versions are random strings, never reused. Writes can expire (`ttlMs`, or `ttlByPrefix`).
 *
 * Locks: the RotationManager's lock is a lease record (`leaseExpiresAt`) that another process
 * takes over, with compare-and-set, once the lease has passed on the injected clock: that is
 * what keeps rotations exclusive, and it works on any store, without TTL. A TTL only adds
 * clean-up: the lock key of a holder that died disappears by itself. It must be longer than the
 * lease (`lockLeaseMs`), or a live holder's lock could vanish between two renewals.
 *
 * Needs the optional peer dependency `ioredis` (loaded on first use). Redis persistence (AOF or
 * RDB) decides whether journals survive a Redis restart: rotation journals need it.
 *
 * @example
 * import { RedisStateStore } from 'edenai-token-manager/redis';
 *
 * const state = new RedisStateStore({ redis: process.env.REDIS_URL });
 * const rotation = new RotationManager({ registry, state });
 */
export class RedisStateStore implements StateStore {
  readonly prefix: string;
  readonly #source: Redis | RedisOptions | string | undefined;
  readonly #ttl: [string, number][];
  #client: Promise<Redis> | undefined;
  #owned = false;

  constructor(options: RedisStateStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigurationError('RedisStateStore options must be an object');
    for (const key of Object.keys(options))
      if (!KNOWN.has(key)) throw new ConfigurationError(`Unknown RedisStateStore option "${key}"`);
    const { redis, prefix = 'edenai:', ttlByPrefix = {} } = options;
    if (redis !== undefined && typeof redis !== 'string' && (typeof redis !== 'object' || redis === null))
      throw new ConfigurationError('RedisStateStore `redis` must be an ioredis client, its options or a URL');
    if (typeof prefix !== 'string') throw new ConfigurationError('RedisStateStore `prefix` must be a string');
    this.prefix = prefix;
    this.#source = redis;
    this.#ttl = Object.entries(ttlByPrefix)
      .map(([p, ms]): [string, number] => [p, checkTtl(ms, `ttlByPrefix['${p}']`, ConfigurationError)])
      .sort((a, b) => b[0].length - a[0].length);
  }

  async get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined> {
    assertKey(key);
    const [version, data] = await (await this.#redis()).hmget(this.prefix + key, 'v', 'd');
    if (version == null || data == null) return undefined;
    return { value: JSON.parse(data) as T, version };
  }

  async set(key: string, value: JsonValue, options: RedisSetOptions = {}): Promise<{ version: string }> {
    assertKey(key);
    assertIfVersion(options.ifVersion, true);
    const ttl =
      options.ttlMs === undefined ? this.#ttlFor(key) : checkTtl(options.ttlMs, 'ttlMs', InvalidInputError);
    const json = JSON.stringify(cloneJson(value));
    const { ifVersion } = options;
    const mode = ifVersion === undefined ? 'any' : ifVersion === null ? 'absent' : 'version';
    const version = randomBytes(9).toString('base64url');
    const redis = await this.#redis();
    const [ok, current] = await runScript(redis, SET, this.prefix + key, [
      mode,
      ifVersion ?? '',
      version,
      json,
      ttl ?? '',
    ]);
    if (!ok) throw new VersionConflictError(key, ifVersion, String(current) || null);
    return { version };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    assertKey(key);
    assertIfVersion(options.ifVersion, false);
    const redis = await this.#redis();
    const [ok, result] = await runScript(redis, DELETE, this.prefix + key, [options.ifVersion ?? '']);
    if (!ok) throw new VersionConflictError(key, options.ifVersion, String(result) || null);
    return Number(result) > 0;
  }

  async list(prefix = ''): Promise<string[]> {
    assertPrefix(prefix);
    const redis = await this.#redis();
    // ioredis adds its own `keyPrefix` to commands' keys, but not to SCAN patterns or results.
    const outer = (redis.options?.keyPrefix ?? '') + this.prefix;
    const keys = await scanKeys(redis, outer + prefix);
    return [...keys].map((k) => k.slice(outer.length)).sort();
  }

  /** Closes the connection the store opened; a client you passed in stays open. */
  async dispose(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client || !this.#owned) return;
    const redis = await client.catch(() => undefined);
    await redis?.quit().catch(() => redis.disconnect());
  }

  #ttlFor(key: string): number | undefined {
    return this.#ttl.find(([p]) => key.startsWith(p))?.[1];
  }

  #redis(): Promise<Redis> {
    this.#client ??= (async () => {
      if (isClient(this.#source)) return this.#source;
      const Redis = redisClass(await loadIoRedis());
      this.#owned = true;
      const source = this.#source;
      return typeof source === 'string' ? new Redis(source) : new Redis(source ?? {});
    })();
    this.#client.catch(() => {
      this.#client = undefined; // a missing ioredis: installing it fixes the next call
    });
    return this.#client;
  }
}

function checkTtl(
  ms: unknown,
  name: string,
  ErrorClass: typeof InvalidInputError | typeof ConfigurationError,
) {
  if (typeof ms === 'number' && Number.isInteger(ms) && ms > 0 && ms <= 2 ** 47) return ms;
  const message = `${name} must be a whole number of milliseconds > 0, got ${String(ms)}`;
  throw ErrorClass === InvalidInputError
    ? new InvalidInputError(message, { field: 'ttlMs' })
    : new ConfigurationError(message);
}

// The Lua scripts that make compare-and-set atomic: Redis runs a script without interleaving any
// other command, so "read the version, compare, write" cannot race. Each touches one key only,
// so they also run on Redis Cluster. Sent with EVALSHA (EVAL once when the server lacks it).

/**
 * KEYS[1] entry hash { v = version, d = JSON }. ARGV: mode ('any' | 'absent' | 'version'),
 * expected version, new version, JSON, TTL in ms ('' = none). Returns { 1, new } or { 0, current }.
 */
const SET = `
local cur = redis.call('HGET', KEYS[1], 'v')
if (ARGV[1] == 'absent' and cur) or (ARGV[1] == 'version' and cur ~= ARGV[2]) then
  return {0, cur or ''}
end
redis.call('HSET', KEYS[1], 'v', ARGV[3], 'd', ARGV[4])
if ARGV[5] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[5]) else redis.call('PERSIST', KEYS[1]) end
return {1, ARGV[3]}
`;

/** KEYS[1]; ARGV[1] expected version ('' = any). Returns { 1, deleted count } or { 0, current }. */
const DELETE = `
local cur = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] ~= '' and cur ~= ARGV[1] then return {0, cur or ''} end
return {1, redis.call('DEL', KEYS[1])}
`;

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const SHAS = new Map([SET, DELETE].map((script) => [script, sha1(script)]));

/** Runs `script` on one key: EVALSHA, falling back to EVAL when the script cache lacks it. */
async function runScript(
  redis: Redis,
  script: string,
  key: string,
  args: (string | number)[],
): Promise<[number, string | number]> {
  try {
    return (await redis.evalsha(SHAS.get(script)!, 1, key, ...args)) as [number, string | number];
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
    return (await redis.eval(script, 1, key, ...args)) as [number, string | number];
  }
}

// `list(prefix)` with SCAN MATCH (never KEYS, which blocks the server while it walks every key).

/** Escapes Redis glob characters so a key prefix matches literally. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\^]/g, '\\$&');
}

/** Full Redis keys starting with `fullPrefix` (SCAN may repeat keys: deduplicated). */
async function scanKeys(redis: Redis, fullPrefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const match = `${globEscape(fullPrefix)}*`;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

// ioredis is an optional peer dependency: load it on first use so that importing this subpath
// never fails, and a missing install says exactly what to do.

type RedisClass = typeof import('ioredis').Redis;

/** What we need of the module: its `Redis` class (a named export, or under `default` through CJS interop). */
export interface IoRedis {
  Redis?: RedisClass;
  default?: RedisClass | { Redis?: RedisClass };
}

/** The `Redis` class of a loaded ioredis module. */
function redisClass(mod: IoRedis): RedisClass {
  const found = mod.Redis ?? (mod.default as { Redis?: RedisClass } | undefined)?.Redis ?? mod.default;
  if (typeof found !== 'function') throw new ConfigurationError('ioredis did not export a Redis class');
  return found as RedisClass;
}

const MISSING = 'RedisStateStore needs ioredis: npm install ioredis';

/** Imports ioredis; `importer` is replaceable so tests can simulate a missing install. */
export function loadIoRedis(
  importer: () => Promise<IoRedis> = () => import('ioredis') as Promise<IoRedis>,
): Promise<IoRedis> {
  return loadOptional(importer, MISSING);
}
