// The one concept behind every store, secret or state: a versioned key-value map with
// compare-and-set. Argument checks, version checks, and the copies of values going in and out live
// here once; the memory and file stores differ only in where their entries are kept (`Entries`).
// Web-standard on purpose: the memory stores use it on every runtime.
import type { JsonValue } from 'type-fest';
import { InvalidInputError, VersionConflictError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import type { DeleteOptions, Metadata, StoredSecret, StoredState, WriteOptions } from '../ports/stores.js';

/** Every stored entry carries an opaque version that changes on each write. */
export interface Versioned {
  version: string;
}

/** A secret as the stores keep it: the raw value (wrapped in a `Secret` on the way out). */
export interface SecretEntry extends Versioned {
  value: string;
  metadata?: Metadata | undefined;
}

export interface StateEntry extends Versioned {
  value: JsonValue;
}

/** Where versioned entries are kept: a `Map` in memory, or a document file. */
export interface Entries<E extends Versioned> {
  get(key: string): Promise<E | undefined>;
  /** Writes `make(newVersion)` when `ifVersion` holds (see `checkVersion`); returns the new version. */
  set(key: string, make: (version: string) => E, ifVersion: string | null | undefined): Promise<string>;
  delete(key: string, ifVersion: string | undefined): Promise<boolean>;
  keys(): Promise<Iterable<string>>;
}

const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Keys are non-empty strings; anything else is a caller bug worth a clear error. */
export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidInputError(`Store key must be a non-empty string, got ${kind(key)}`, { field: 'key' });
  }
}

export function assertIfVersion(ifVersion: unknown, allowNull: boolean): void {
  if (ifVersion === undefined || typeof ifVersion === 'string' || (allowNull && ifVersion === null)) return;
  throw new InvalidInputError(`ifVersion must be a version string${allowNull ? ' or null' : ''}`, {
    field: 'ifVersion',
  });
}

export function assertPrefix(prefix: unknown): void {
  if (prefix !== undefined && typeof prefix !== 'string') {
    throw new InvalidInputError('list prefix must be a string', { field: 'prefix' });
  }
}

/** Throws `VersionConflictError` unless `current` satisfies `ifVersion` (`null` = absent, undefined = any). */
function checkVersion(
  key: string,
  current: Versioned | undefined,
  ifVersion: string | null | undefined,
): void {
  if (ifVersion === undefined) return;
  const actual = current?.version ?? null;
  if (ifVersion !== actual) throw new VersionConflictError(key, ifVersion, actual);
}

/** Compare-and-set write into a map; checks first so a conflict changes nothing. */
export function casSet<E extends Versioned>(
  entries: Map<string, E>,
  key: string,
  entry: E,
  ifVersion: string | null | undefined,
): void {
  checkVersion(key, entries.get(key), ifVersion);
  entries.set(key, entry);
}

/** Compare-and-delete; a version given for a missing entry is a conflict, not a silent `false`. */
export function casDelete(
  entries: Map<string, Versioned>,
  key: string,
  ifVersion: string | undefined,
): boolean {
  checkVersion(key, entries.get(key), ifVersion);
  return entries.delete(key);
}

/** Keys starting with `prefix`, sorted by UTF-16 code units (plain `Array#sort`). */
export function listKeys(keys: Iterable<string>, prefix?: string): string[] {
  assertPrefix(prefix);
  const out: string[] = [];
  for (const key of keys) if (!prefix || key.startsWith(prefix)) out.push(key);
  return out.sort();
}

/** What both store contracts share over `Entries`: delete and list. */
export class CasStore<E extends Versioned> {
  constructor(readonly entries: Entries<E>) {}

  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    assertKey(key);
    assertIfVersion(options.ifVersion, false);
    return this.entries.delete(key, options.ifVersion);
  }

  async list(prefix?: string): Promise<string[]> {
    assertPrefix(prefix);
    return listKeys(await this.entries.keys(), prefix);
  }
}

/** The `SecretStore` contract over any `Entries`: checks, then copies in and out. */
export class SecretCas extends CasStore<SecretEntry> {
  async get(key: string): Promise<StoredSecret | undefined> {
    assertKey(key);
    const entry = await this.entries.get(key);
    return entry && toStored(entry);
  }

  async set(key: string, value: Secret | string, options: WriteOptions = {}): Promise<{ version: string }> {
    assertKey(key);
    assertIfVersion(options.ifVersion, true);
    const raw = rawValue(value);
    const metadata = copyMetadata(options.metadata);
    const make = (version: string) => ({ value: raw, version, metadata });
    return { version: await this.entries.set(key, make, options.ifVersion) };
  }
}

/** The `StateStore` contract over any `Entries`: checks, then deep copies in and out. */
export class StateCas extends CasStore<StateEntry> {
  async get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined> {
    assertKey(key);
    const entry = await this.entries.get(key);
    return entry && { value: cloneJson(entry.value) as T, version: entry.version };
  }

  async set(
    key: string,
    value: JsonValue,
    options: Pick<WriteOptions, 'ifVersion'> = {},
  ): Promise<{ version: string }> {
    assertKey(key);
    assertIfVersion(options.ifVersion, true);
    const copy = cloneJson(value);
    return {
      version: await this.entries.set(key, (version) => ({ value: copy, version }), options.ifVersion),
    };
  }
}

/** A fresh `StoredSecret` each time, so callers cannot reach the stored entry. */
export function toStored(entry: SecretEntry): StoredSecret {
  const stored: StoredSecret = { value: new Secret(entry.value), version: entry.version };
  if (entry.metadata) stored.metadata = { ...entry.metadata };
  return stored;
}

/** The raw string of a `Secret` or string argument; rejects anything else without echoing it. */
export function rawValue(value: Secret | string): string {
  // Duck-typed: a Secret from another copy of the package (ESM vs CJS) must work too.
  if (typeof (value as Secret | null)?.reveal === 'function') {
    const raw = (value as Secret).reveal();
    if (typeof raw === 'string' && raw.length > 0) return raw;
  }
  if (typeof value === 'string' && value.length > 0) return value;
  throw new InvalidInputError('Secret value must be a Secret or a non-empty string', { field: 'value' });
}

/** Validates metadata (flat string/number/boolean/null values) and returns a copy. */
export function copyMetadata(metadata: unknown): Metadata | undefined {
  if (metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new InvalidInputError('metadata must be a plain object', { field: 'metadata' });
  }
  const out: Metadata = {};
  for (const [key, v] of Object.entries(metadata)) {
    if (v === undefined) continue;
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
      throw new InvalidInputError(`metadata.${key} must be a string, number, boolean or null`, {
        field: 'metadata',
      });
    }
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Deep-copies a JSON value, rejecting anything JSON cannot hold (Date, Map, class instances,
 * NaN, cycles) with the path of the offending part. Undefined object properties are dropped,
 * as `JSON.stringify` would, so memory and file stores return the same thing.
 */
export function cloneJson<T extends JsonValue>(value: T, path = 'value'): T {
  try {
    return copy(value, new Set()) as T;
  } catch (error) {
    if (error !== NOT_JSON) throw error;
    // Hot path stays allocation-light; only a rejected value pays for finding its path.
    throw notJson(...findInvalid(value, path, new Set())!);
  }
}

const NOT_JSON = Symbol('not JSON');

function copy(value: unknown, seen: Set<object>): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'object' || seen.has(value)) throw NOT_JSON;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => copy(item, seen));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw NOT_JSON;
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      // defineProperty keeps a "__proto__" key an ordinary own property, as JSON.parse does.
      if (k === '__proto__') {
        Object.defineProperty(out, k, {
          value: copy(v, seen),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[k] = copy(v, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Returns `[path, what]` of the first part JSON cannot hold. */
function findInvalid(value: unknown, path: string, seen: Set<object>): [string, string] | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : [path, String(value)];
  if (typeof value !== 'object') return [path, typeof value];
  if (seen.has(value)) return [path, 'a circular reference'];
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = findInvalid(value[i], `${path}[${i}]`, seen);
        if (found) return found;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return [path, value.constructor?.name ?? 'object'];
    for (const [k, v] of Object.entries(value)) {
      const found = v === undefined ? undefined : findInvalid(v, `${path}.${k}`, seen);
      if (found) return found;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

const notJson = (path: string, what: string) =>
  new InvalidInputError(`${path} is not JSON: found ${what}`, { field: 'value' });
