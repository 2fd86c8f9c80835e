import type { UsageQuery, UsageRecord, UsageSource } from 'edenai-token-manager';
import { InvalidInputError, NotFoundError, RateLimitError } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { parseRange } from '../../src/core/time.js';
import { fetchWindowed, splitRange } from '../../src/usage/windows.js';
import { rec } from './records.js';

describe('ranges', () => {
  it('accepts YYYY-MM-DD and Dates (their UTC day), both ends inclusive', () => {
    expect(parseRange({ from: '2024-02-28', to: '2024-03-01' })).toEqual({ from: 19781, to: 19783 });
    expect(parseRange({ from: new Date('2024-02-28T23:59:59Z'), to: '2024-02-28' })).toEqual({
      from: 19781,
      to: 19781,
    });
  });

  it.each([
    [{ from: '2024-02-30', to: '2024-03-01' }, /range.from .*real calendar day/],
    [{ from: '2024-1-1', to: '2024-03-01' }, /range.from/],
    [{ from: '2024-01-01', to: new Date('nope') }, /range.to is an invalid Date/],
    [{ from: '2024-03-02', to: '2024-03-01' }, /range.from \(2024-03-02\) is after range.to \(2024-03-01\)/],
    [{ from: 20240101, to: '2024-03-01' }, /range.from/],
    [null, /range must be an object/],
  ])('rejects %j with InvalidInputError', (range, message) => {
    expect(() => parseRange(range)).toThrow(InvalidInputError);
    expect(() => parseRange(range)).toThrow(message);
  });
});

describe('splitRange', () => {
  it('cuts a range into consecutive windows of at most maxDays days, covering every day once', () => {
    expect(splitRange({ from: '2023-01-01', to: '2024-12-31' }, 366)).toEqual([
      { from: '2023-01-01', to: '2024-01-01' },
      { from: '2024-01-02', to: '2024-12-31' },
    ]);
    expect(splitRange({ from: '2024-01-01', to: '2024-01-10' }, 4)).toEqual([
      { from: '2024-01-01', to: '2024-01-04' },
      { from: '2024-01-05', to: '2024-01-08' },
      { from: '2024-01-09', to: '2024-01-10' },
    ]);
    expect(splitRange({ from: '2024-01-01', to: '2024-01-01' }, 1)).toEqual([
      { from: '2024-01-01', to: '2024-01-01' },
    ]);
  });

  it('rejects a window size that is not a positive integer', () => {
    expect(() => splitRange({ from: '2024-01-01', to: '2024-01-02' }, 0)).toThrow(InvalidInputError);
    expect(() => splitRange({ from: '2024-01-01', to: '2024-01-02' }, 1.5)).toThrow(/maxRangeDays/);
  });
});

/** A source whose answers the test releases by hand, to observe concurrency without timers. */
function manualSource(answer: (q: UsageQuery) => UsageRecord[] | Error) {
  const queries: UsageQuery[] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const source: UsageSource = {
    usage(q) {
      queries.push(q);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise((resolve, reject) => {
        pending.push(() => {
          inFlight--;
          const a = answer(q);
          if (a instanceof Error) reject(a);
          else resolve(a);
        });
      });
    },
  };
  const drain = async () => {
    // Release answers one by one until nothing is pending (each release may start a new request).
    for (let i = 0; i < 1000; i++) {
      await new Promise((r) => setImmediate(r));
      const next = pending.shift();
      if (!next) return;
      next();
    }
  };
  return { source, queries, drain, max: () => maxInFlight };
}

describe('fetchWindowed', () => {
  it('fetches every window with at most `concurrency` requests in flight, and merges all records', async () => {
    const m = manualSource((q) => [rec('prod-web-app', q.begin as string, 1)]);
    const done = fetchWindowed(
      m.source,
      { from: '2024-01-01', to: '2024-01-10' },
      { maxRangeDays: 1, concurrency: 3 },
    );
    await m.drain();
    const records = await done;
    expect(m.queries).toHaveLength(10);
    expect(m.max()).toBe(3);
    expect(records.map((r) => r.date).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`),
    );
    expect(m.queries.every((q) => q.step === 1 && q.begin === q.end)).toBe(true);
  });

  it('asks once per filter and window', async () => {
    const m = manualSource(() => []);
    const done = fetchWindowed(
      m.source,
      { from: '2023-01-01', to: '2024-12-31' },
      { filters: [{ token: 'a-x' }, { token: 'a-x--g2' }] },
    );
    await m.drain();
    await done;
    expect(m.queries.map((q) => `${q.token} ${q.begin}..${q.end}`).sort()).toEqual([
      'a-x 2023-01-01..2024-01-01',
      'a-x 2024-01-02..2024-12-31',
      'a-x--g2 2023-01-01..2024-01-01',
      'a-x--g2 2024-01-02..2024-12-31',
    ]);
  });

  it('treats a 404 (no data for the filters) as no records, and rejects on any other error', async () => {
    const notFound = manualSource((q) =>
      q.begin === '2024-01-01'
        ? new NotFoundError('Not Found', { status: 404 })
        : [rec('a-b', '2024-01-02', 2)],
    );
    const ok = fetchWindowed(notFound.source, { from: '2024-01-01', to: '2024-01-02' }, { maxRangeDays: 1 });
    await notFound.drain();
    expect(await ok).toHaveLength(1);

    const limited = manualSource(() => new RateLimitError('slow down', { status: 429 }));
    const failed = fetchWindowed(limited.source, { from: '2024-01-01', to: '2024-01-02' });
    const assertion = expect(failed).rejects.toBeInstanceOf(RateLimitError);
    await limited.drain();
    await assertion;
  });

  it('validates before sending anything', async () => {
    const m = manualSource(() => []);
    await expect(fetchWindowed(m.source, { from: '2024-01-02', to: '2024-01-01' })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(
      fetchWindowed(m.source, { from: '2024-01-01', to: '2024-01-02' }, { concurrency: 0 }),
    ).rejects.toThrow(/concurrency/);
    expect(m.queries).toHaveLength(0);
  });

  it('stops before sending when the signal is already aborted', async () => {
    const m = manualSource(() => []);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      fetchWindowed(m.source, { from: '2024-01-01', to: '2024-01-02' }, { signal: controller.signal }),
    ).rejects.toThrow('stop');
    expect(m.queries).toHaveLength(0);
  });
});
