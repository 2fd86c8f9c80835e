import type { UsageRecord } from 'edenai-token-manager';
import { InvalidInputError, MemoryUsageSource } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { rec } from './records.js';

const mixed: UsageRecord = {
  token: 'prod-web-app',
  date: '2024-01-03',
  feature: 'ocr__ocr',
  totalCost: 0.3,
  calls: 4,
  costPerProvider: { google: 0.1, amazon: 0.2 },
};

function source() {
  return new MemoryUsageSource([
    rec('prod-web-app', '2024-01-01', 1),
    rec('prod-web-app', '2024-01-02', 2, 3, 'text__generation'),
    mixed,
    rec('dev-web-app', '2024-01-31', 4),
    rec('prod-web-app', '2024-02-01', 8),
  ]);
}

describe('MemoryUsageSource', () => {
  it('answers inclusive begin..end ranges (Dates count by their UTC day)', async () => {
    const s = source();
    expect((await s.usage({ begin: '2024-01-02', end: '2024-01-31' })).map((r) => r.date)).toEqual([
      '2024-01-02',
      '2024-01-03',
      '2024-01-31',
    ]);
    const byDate = await s.usage({
      begin: new Date('2024-01-31T23:00:00Z'),
      end: new Date('2024-02-01T00:00:00Z'),
    });
    expect(byDate).toHaveLength(2);
  });

  it('filters by exact token name, subfeature, and provider (narrowing the cost to that provider)', async () => {
    const s = source();
    const all = { begin: '2024-01-01', end: '2024-12-31' };
    expect(await s.usage({ ...all, token: 'dev-web-app' })).toHaveLength(1);
    expect(await s.usage({ ...all, token: 'dev-web' })).toHaveLength(0);
    expect((await s.usage({ ...all, subfeature: 'generation' })).map((r) => r.totalCost)).toEqual([2]);
    expect(await s.usage({ ...all, provider: 'amazon' })).toEqual([
      { ...mixed, totalCost: 0.2, costPerProvider: { amazon: 0.2 } },
    ]);
    expect(mixed.totalCost).toBe(0.3); // the stored record is untouched
  });

  it('rolls up to period starts for weekly, monthly and yearly steps, summing exactly', async () => {
    const s = new MemoryUsageSource([
      rec('a-b', '2024-01-01', 0.1), // Monday
      rec('a-b', '2024-01-07', 0.2), // Sunday, same week
      rec('a-b', '2024-01-08', 0.4), // next Monday
      rec('a-b', '2024-02-29', 0.8),
    ]);
    const q = { begin: '2024-01-01', end: '2024-12-31' };
    const weekly = await s.usage({ ...q, step: 2 });
    expect(weekly.map((r) => [r.date, r.totalCost, r.calls])).toEqual([
      ['2024-01-01', 0.3, 2],
      ['2024-01-08', 0.4, 1],
      ['2024-02-26', 0.8, 1],
    ]);
    const monthly = await s.usage({ ...q, step: 3 });
    expect(monthly.map((r) => [r.date, r.totalCost, r.costPerProvider['openai']])).toEqual([
      ['2024-01-01', 0.7, 0.7],
      ['2024-02-01', 0.8, 0.8],
    ]);
    expect((await s.usage({ ...q, step: 4 })).map((r) => [r.date, r.totalCost])).toEqual([
      ['2024-01-01', 1.5],
    ]);
  });

  it('validates a batch before adding any of it', () => {
    const s = source();
    const bad = [rec('a-b', '2024-01-01', 1), { ...rec('a-b', '2024-02-30', 1) }];
    expect(() => s.add(bad)).toThrow(InvalidInputError);
    expect(() => s.add(bad)).toThrow(/usage record 1: date/);
    expect(s.size).toBe(5);
    expect(() => s.add([{ ...rec('a-b', '2024-01-01', 1), calls: -1 }])).toThrow(/calls/);
    expect(() => s.add([{ ...rec('a-b', '2024-01-01', 1), totalCost: Number.NaN }])).toThrow(/totalCost/);
  });

  it('rejects bad queries', async () => {
    const s = source();
    await expect(s.usage({ begin: '2024-02-01', end: '2024-01-01' })).rejects.toThrow(InvalidInputError);
    await expect(s.usage({ begin: 'yesterday', end: '2024-01-01' })).rejects.toThrow(/begin/);
    await expect(s.usage({ begin: '2024-01-01', end: '2024-01-01', step: 5 as 1 })).rejects.toThrow(/step/);
  });
});
