import { InvalidInputError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { Metadata } from '../ports/stores.js';

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
