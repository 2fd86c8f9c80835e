import { InvalidInputError, VersionConflictError } from '../../core/errors.js';

/** Every stored entry carries an opaque version that changes on each write. */
export interface Versioned {
  version: string;
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

/** Throws `VersionConflictError` unless `current` satisfies `ifVersion` (`null` = absent, undefined = any). */
export function checkVersion(
  key: string,
  current: Versioned | undefined,
  ifVersion: string | null | undefined,
) {
  if (ifVersion === undefined) return;
  const actual = current?.version ?? null;
  if (ifVersion !== actual) throw new VersionConflictError(key, ifVersion, actual);
}

/** Compare-and-set write into a map; validates first so a conflict changes nothing. */
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

export function assertPrefix(prefix: unknown): void {
  if (prefix !== undefined && typeof prefix !== 'string') {
    throw new InvalidInputError('list prefix must be a string', { field: 'prefix' });
  }
}

/** Keys starting with `prefix`, sorted by UTF-16 code units (plain `Array#sort`). */
export function listKeys(keys: Iterable<string>, prefix?: string): string[] {
  assertPrefix(prefix);
  const out: string[] = [];
  for (const key of keys) if (!prefix || key.startsWith(prefix)) out.push(key);
  return out.sort();
}
