import type { JsonValue } from 'type-fest';
import { InvalidInputError } from '../../core/errors.js';

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
    throw invalid(...findInvalid(value, path, new Set())!);
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

const invalid = (path: string, what: string) =>
  new InvalidInputError(`${path} is not JSON: found ${what}`, { field: 'value' });
