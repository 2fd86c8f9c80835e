import { isEdenAIError } from '../core/errors.js';

/** True for the SDK's "not found" (a `NotFoundError`, or any SDK error carrying status 404). */
export function isNotFound(error: unknown): boolean {
  return (
    isEdenAIError(error) && (error.name === 'NotFoundError' || (error as { status?: unknown }).status === 404)
  );
}
