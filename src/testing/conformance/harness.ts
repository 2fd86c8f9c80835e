import { isEdenAIError } from '../../core/errors.js';
import * as assert from './assert.js';

/**
 * The two functions of your test framework the suites need. vitest, jest, mocha and `node:test`
 * all fit: pass their `describe` and `it`.
 *
 * @example
 * import { describe, it } from 'node:test';
 * stateStoreConformance({ name: 'MyStore', create: () => new MyStore(), describe, it });
 */
export interface TestApi {
  describe: (name: string, body: () => void) => unknown;
  it: (name: string, body: () => Promise<void>) => unknown;
}

/**
 * Common options of the conformance suites.
 *
 * @example
 * const options: SuiteOptions<MyStore> = { name: 'MyStore', create: makeStoreInTempDir, cleanup: removeTempDir, describe, it };
 */
export interface SuiteOptions<S> extends TestApi {
  /** Shown in test names. */
  name: string;
  /** Returns a fresh, empty store (or, for read-only stores, one holding `entries`). Called per test. */
  create: () => S | Promise<S>;
  /** Runs after each test (after `dispose()`): delete temp files, close connections. */
  cleanup?: (store: S) => void | Promise<void>;
  /** Parallel writers in the concurrency tests. Default 8. */
  concurrency?: number;
}

/** Registers `body` as a test that gets a fresh store and always disposes and cleans it up. */
export function storeTest<S extends { dispose?(): Promise<void> }>(
  options: SuiteOptions<S>,
  title: string,
  body: (store: S) => Promise<void>,
): void {
  options.it(title, async () => {
    const store = await options.create();
    try {
      await body(store);
    } finally {
      await store.dispose?.();
      await options.cleanup?.(store);
    }
  });
}

/** Brand check rather than `instanceof`: the store may load another copy of the package (ESM vs CJS). */
export async function rejectsWithConflict(action: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(
      isEdenAIError(error) && error.name === 'VersionConflictError',
      `${what}: expected a VersionConflictError, got ${String(error)}`,
    );
    return true;
  });
}

/** Runs `workers` loops that each apply `times` read-modify-write increments, retrying on conflicts. */
export async function casIncrements(
  workers: number,
  times: number,
  step: () => Promise<'applied' | 'conflict'>,
): Promise<number> {
  let applied = 0;
  let attempts = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let done = 0; done < times; ) {
        // Each round lets at least one writer through; far more attempts means CAS never succeeds.
        assert.ok(++attempts <= workers * workers * times * 4, 'compare-and-set retries never succeed');
        if ((await step()) === 'applied') {
          done++;
          applied++;
        }
      }
    }),
  );
  return applied;
}

/** True for the error a CAS write is expected to throw on a lost race. */
export const isConflict = (error: unknown) => isEdenAIError(error) && error.name === 'VersionConflictError';
