// Which failures end a rotation (roll it back) and which only pause it (resume() continues).
import {
  APIConnectionError,
  APIError,
  ConfigurationError,
  InvalidInputError,
  PolicyViolationError,
  ResponseValidationError,
} from '../core/errors.js';
import type { Secret } from '../core/secret.js';

/** The new generation failed its check: the rotation is rolled back. */
export class VerifyRejected extends Error {
  override name = 'VerifyRejected';
}

/** The backend hands out no value for the new generation: nobody could use it. */
export class UnreadableValue extends Error {
  override name = 'UnreadableValue';
}

const TRANSIENT_STATUS = new Set([408, 409, 429]);

/**
 * Definitive: retrying cannot help (a 4xx answer, bad input, a refused check), so the rotation is
 * rolled back. Anything else (5xx, 429, timeouts, dropped connections, an odd body, a crash of
 * our own process, an abort) leaves the journal for `resume()`.
 */
export function isDefinitive(error: unknown): boolean {
  if (error instanceof VerifyRejected || error instanceof UnreadableValue) return true;
  if (error instanceof ResponseValidationError || error instanceof APIConnectionError) return false;
  if (error instanceof APIError) {
    const status = error.status;
    return status !== undefined && status >= 400 && status < 500 && !TRANSIENT_STATUS.has(status);
  }
  return (
    error instanceof InvalidInputError ||
    error instanceof PolicyViolationError ||
    error instanceof ConfigurationError
  );
}

/** A short, value-free description of an error. */
export function describe(error: unknown, secret?: Secret): string {
  const text = error instanceof Error ? error.message : String(error);
  return secret ? scrub(text, secret) : text;
}

/** Replaces any copy of the value in text written by user code (a verify hook's error message). */
export function scrub(text: string, secret: Secret): string {
  const value = secret.reveal();
  return value.length >= 4 ? text.split(value).join(secret.toString()) : text;
}
