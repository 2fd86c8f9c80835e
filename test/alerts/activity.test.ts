// AlertSystem's usage checks: a usage anomaly is alerted once per token per day, a stale token
// once, both with a `HealthReport.activity` section.
import {
  AlertSystem,
  formatHealthReport,
  MemoryStateStore,
  MemoryUsageSource,
  type UsageRecord,
} from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { fakeClock, recorder, stubRegistry, token } from './helpers.js';

const record = (tokenName: string, date: string, totalCost: number): UsageRecord => ({
  token: tokenName,
  date,
  feature: 'text__chat',
  totalCost,
  calls: Math.round(totalCost * 10),
  costPerProvider: { openai: totalCost },
});
const day = (n: number) => new Date(Date.UTC(2024, 4, 1 + n)).toISOString().slice(0, 10);

function world() {
  const registry = stubRegistry({ prod: {} }, [token('prod', 'web-app'), token('prod', 'old-app')]);
  const source = new MemoryUsageSource();
  // prod-web-app: $10/day for 20 days, then $45 on day 20.
  for (let i = 0; i < 20; i++) source.add([record('prod-web-app', day(i), 10 + (i % 3))]);
  source.add([record('prod-web-app', day(20), 45)]);
  const clock = fakeClock(`${day(21)}T09:00:00Z`);
  const rec = recorder();
  const state = new MemoryStateStore();
  const alerts = new AlertSystem({
    registry,
    notifiers: [rec.notifier],
    state,
    clock,
    timeZone: 'UTC',
    activity: { source, staleDays: 30 },
  });
  return { registry, source, clock, rec, alerts, state };
}

describe('AlertSystem activity checks', () => {
  it('alerts a usage anomaly once, with the figure and the baseline, and reports it', async () => {
    const w = world();
    const report = await w.alerts.run();
    const anomaly = report.alerts.find((a) => a.kind === 'usage-anomaly');
    expect(anomaly).toMatchObject({
      id: `usage-anomaly:prod-web-app:${day(20)}`,
      severity: 'warning',
      token: 'prod-web-app',
      environment: 'prod',
    });
    expect(anomaly!.message).toMatch(/used \$45\.00 on 2024-05-21, .*baseline of \$11\.00\/day/);
    expect(report.activity?.anomalies).toHaveLength(1);
    expect(formatHealthReport(report)).toContain('USAGE ANOMALIES');
    expect((await w.alerts.run()).sent).toEqual([]);
    expect(w.rec.ids().filter((id) => id.startsWith('usage-anomaly'))).toHaveLength(1);
  });

  it('skips tokens too young for a baseline and says so', async () => {
    const w = world();
    const report = await w.alerts.run();
    expect(report.activity?.skipped).toEqual([
      expect.objectContaining({ token: 'prod-old-app', reason: expect.stringMatching(/too young/) }),
    ]);
  });

  it('alerts a token with no usage for 30 days once it has been watched that long', async () => {
    const w = world();
    expect((await w.alerts.run()).alerts.filter((a) => a.kind === 'stale-token')).toEqual([]);
    w.clock.advance(31 * 86_400_000);
    const report = await w.alerts.run();
    const stale = report.alerts
      .filter((a) => a.kind === 'stale-token')
      .map((a) => a.token)
      .sort();
    expect(stale).toEqual(['prod-old-app', 'prod-web-app']);
    expect(report.activity?.stale.map((s) => s.token).sort()).toEqual(stale);
    expect(formatHealthReport(report)).toContain('STALE TOKENS');
  });

  it('reports a usage source failure without failing the run', async () => {
    const w = world();
    const alerts = new AlertSystem({
      registry: w.registry,
      notifiers: [],
      clock: w.clock,
      timeZone: 'UTC',
      activity: { source: { usage: () => Promise.reject(new Error('cost API down')) } },
    });
    const report = await alerts.run();
    expect(report.activity).toMatchObject({ error: 'cost API down', anomalies: [] });
  });
});
