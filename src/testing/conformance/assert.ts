// The four checks the conformance suites make, in web-standard JavaScript: node:assert is missing
// on Workers and edge runtimes, where a store adapter's own tests may run the suites. Import it as
// a namespace (`import * as assert`): the calls read like node:assert's.

/** Thrown by a failed check; test runners report it like node:assert's error. */
class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** A short rendering of a value for a failure message (values can be 256 KiB long). */
function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Deep strict equality over the data stores hold: primitives, arrays, plain objects, dates. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  const keys = Object.keys(a);
  const record = b as Record<string, unknown>;
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], record[k]))
  );
}

export function ok(value: unknown, message?: string): asserts value {
  if (!value) throw new AssertionError(message ?? `expected a truthy value, got ${show(value)}`);
}

export function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected))
    throw new AssertionError(message ?? `expected ${show(expected)}, got ${show(actual)}`);
}

export function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!same(actual, expected))
    throw new AssertionError(message ?? `expected ${show(expected)}, got ${show(actual)} (deep equality)`);
}

/** Waits for `action` to reject; `validate` (which may throw its own failure) must return true. */
export async function rejects(
  action: Promise<unknown>,
  validate?: (error: unknown) => boolean,
): Promise<void> {
  try {
    await action;
  } catch (error) {
    if (validate && validate(error) !== true)
      throw new AssertionError(`the rejection failed the check: ${String(error)}`);
    return;
  }
  throw new AssertionError('expected a rejection, but the promise resolved');
}
