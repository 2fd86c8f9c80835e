// The conformance suites' own checks (they replace node:assert, which Workers lack): strict and
// deep strict equality as node:assert/strict has them for the data stores hold.
import { describe, expect, it } from 'vitest';
import * as assert from '../../../src/testing/conformance/assert.js';

describe('conformance assertions', () => {
  it('deepEqual compares arrays, plain objects and dates structurally, and strictly', () => {
    assert.deepEqual(
      { list: [1, 'é', { a: null }], at: new Date(0) },
      { list: [1, 'é', { a: null }], at: new Date(0) },
    );
    for (const [actual, expected] of [
      [
        [1, 2],
        [1, 2, 3],
      ],
      [{ a: 1 }, { a: 1, b: undefined }],
      [{ a: { b: [1] } }, { a: { b: ['1'] } }],
      [[], {}],
      [new Date(0), new Date(1)],
      [Object.create(null), {}],
    ]) {
      expect(() => assert.deepEqual(actual, expected), JSON.stringify([actual, expected])).toThrow(
        expect.objectContaining({ name: 'AssertionError' }),
      );
    }
  });

  it('equal is Object.is; failures show short renderings or the given message', () => {
    expect(() => assert.equal(NaN, NaN)).not.toThrow();
    expect(() => assert.equal({}, {})).toThrow('expected {}, got {}');
    expect(() => assert.equal('x'.repeat(1000), 'y')).toThrow(/^expected "y", got "x{199}…$/);
    expect(() => assert.ok(0, 'no writer won')).toThrow('no writer won');
  });

  it('rejects needs a rejection that passes the check', async () => {
    await assert.rejects(Promise.reject(new Error('conflict')));
    await assert.rejects(Promise.reject(new Error('conflict')), (e) => (e as Error).message === 'conflict');
    await expect(assert.rejects(Promise.resolve(1))).rejects.toThrow('expected a rejection');
    await expect(assert.rejects(Promise.reject(new Error('other')), () => false)).rejects.toThrow(
      'the rejection failed the check: Error: other',
    );
  });
});
