import type { UsageRecord } from 'edenai-token-manager';
import { MemoryUsageSource, UsageMonitor } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { fromNanos, toNanos } from '../../src/core/money.js';
import { managed, stubRegistry } from './stub-registry.js';

describe('money without float drift', () => {
  it('a million $0.0001 records total exactly $100 (a float sum would not)', async () => {
    const records: UsageRecord[] = [];
    const costPerProvider = { openai: 0.0001 };
    for (let i = 0; i < 1_000_000; i++) {
      const date = `2024-01-${String((i % 31) + 1).padStart(2, '0')}`;
      records.push({
        token: 'prod-web-app',
        date,
        feature: 'text__chat',
        totalCost: 0.0001,
        calls: 1,
        costPerProvider,
      });
    }
    let naive = 0;
    for (const r of records) naive += r.totalCost;
    expect(naive).not.toBe(100); // the drift this guards against

    const registry = stubRegistry(['prod'], [managed('prod-web-app')]);
    const monitor = new UsageMonitor({ registry, source: new MemoryUsageSource(records) });
    const range = { from: '2024-01-01', to: '2024-01-31' };
    const report = await monitor.report(range);
    expect(report.totalCost).toBe(100);
    expect(report.environments[0]!.totalCost).toBe(100);
    expect(report.totalCalls).toBe(1_000_000);
    expect(report.avgCostPerCall).toBe(0.0001);
    const usage = await monitor.tokenUsage('prod-web-app', range);
    expect(usage.totalCost).toBe(100);
    expect(usage.byProvider).toEqual([{ provider: 'openai', cost: 100 }]);
    expect(usage.byDay.reduce((n, d) => n + toNanos(d.cost), 0)).toBe(toNanos(100));
  });

  it('rounds each amount to the nearest nano-dollar and converts back to the nearest double', () => {
    expect(toNanos(0.03000000000000001)).toBe(30_000_000);
    expect(toNanos(-0.1)).toBe(-100_000_000);
    expect(fromNanos(toNanos(0.1) + toNanos(0.2))).toBe(0.3);
  });
});
