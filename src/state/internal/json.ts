import type { JsonValue } from 'type-fest';
import { InvalidInputError } from '../../core/errors.js';

/**
 * Deep-copies a JSON value, rejecting anything JSON cannot hold (Date, Map, class instances,
 * NaN, cycles) with the path of the offending part. Undefined object properties are dropped,
 * as `JSON.stringify` would, so memory and file stores return the same thing.
 */
export function cloneJson<T extends JsonValue>(value: T, path = 'value'): T {
  return copy(value, path, new Set()) as T;
}

function copy(value: unknown, path: string, seen: Set<object>): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw invalid(path, String(value));
  }
  if (typeof value !== 'object') throw invalid(path, typeof value);
  if (seen.has(value)) throw invalid(path, 'a circular reference');
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, i) => copy(item, `${path}[${i}]`, seen));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      throw invalid(path, value.constructor?.name ?? 'object');
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty keeps a "__proto__" key an ordinary own property, as JSON.parse does.
      if (v !== undefined)
        Object.defineProperty(out, k, {
          value: copy(v, `${path}.${k}`, seen),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

const invalid = (path: string, what: string) =>
  new InvalidInputError(`${path} is not JSON: found ${what}`, { field: 'value' });
