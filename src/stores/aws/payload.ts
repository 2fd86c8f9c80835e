// The SecretString of an entry: `{"value": "...", "metadata": {...}}`. Metadata lives inside the
// version (not in tags), so it changes atomically with the value and each version keeps its own.
import { InvalidInputError } from '../../core/errors.js';
import type { Metadata } from '../../ports/stores.js';
import { copyMetadata } from '../value.js';

/** AWS rejects a SecretString over 65 536 bytes; we refuse it before sending anything. */
export const MAX_SECRET_BYTES = 65_536;

export function encodePayload(value: string, metadata: Metadata | undefined): string {
  const text = JSON.stringify(metadata ? { value, metadata } : { value });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SECRET_BYTES) {
    throw new InvalidInputError(
      `Value too large for AWS Secrets Manager: ${bytes} bytes with its metadata (max ${MAX_SECRET_BYTES})`,
      { field: 'value' },
    );
  }
  return text;
}

/**
 * Reads a SecretString. A secret not written by this store (plain text, or JSON of another shape)
 * is returned whole as the value, so existing secrets can be read too.
 */
export function decodePayload(text: string): { value: string; metadata: Metadata | undefined } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { value, metadata } = parsed as { value?: unknown; metadata?: unknown };
      if (typeof value === 'string' && value.length > 0) {
        return { value, metadata: metadataOrUndefined(metadata) };
      }
    }
  } catch {
    // Not JSON: a plain secret string.
  }
  return { value: text, metadata: undefined };
}

function metadataOrUndefined(metadata: unknown): Metadata | undefined {
  try {
    return copyMetadata(metadata);
  } catch (error) {
    if (error instanceof InvalidInputError) return undefined; // edited by hand into another shape
    throw error;
  }
}
