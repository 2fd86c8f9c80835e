// UsageMonitor against the fake Eden AI server, on both APIs: the real usage source (v2's
// CostClient, v3's ManagementKeyClient.usage), a real TokenRegistry, usage simulated over seven
// weeks and two generations of prod-web-app. Both APIs must give the same numbers (same goldens).

import type { TokenBackend, UsageSource } from 'edenai-token-manager';
import {
  BadRequestError,
  formatUsageReport,
  MemorySecretStore,
  TokenRegistry,
  USAGE_REPORT_FORMATS,
  UsageMonitor,
  type UsageMonitorOptions,
} from 'edenai-token-manager';
import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { expectGolden } from './golden.js';

const NOW = new Date('2024-03-20T10:00:00Z');
const clock = () => NOW;
const RANGE = { from: '2024-02-01', to: '2024-03-19' }; // 48 days
const ROTATED_ON = '2024-03-11';
const MAX_DAYS = 31;

const ENVIRONMENTS = {
  dev: { tokenType: 'sandbox_api_token' },
  staging: { budget: { default: 50 } },
  prod: { budget: { default: 500, max: 2000, resetPeriod: 'monthly' }, expiry: { defaultDays: 90 } },
} as const;

/** Money in units of $0.0001, so expected totals are exact integer sums. */
type Spend = { token: string; date: string; units: number; calls: number; feature: string; provider: string };

const day = (i: number) => new Date(Date.UTC(2024, 1, 1 + i)).toISOString().slice(0, 10);

function plannedSpend(): Spend[] {
  const out: Spend[] = [];
  for (let i = 0; i < 48; i++) {
    const date = day(i);
    if (date < ROTATED_ON) {
      const [feature, provider] = i % 2 ? ['ocr__ocr', 'google'] : ['text__chat', 'openai'];
      out.push({
        token: 'prod-web-app',
        date,
        units: ((i % 5) + 1) * 123,
        calls: (i % 3) + 1,
        feature,
        provider,
      });
    } else {
      out.push({
        token: 'prod-web-app--g2',
        date,
        units: 5000 + (i % 4) * 2500,
        calls: 10,
        feature: 'text__chat',
        provider: 'openai',
      });
    }
    if (i % 3 === 0)
      out.push({
        token: 'prod-api-gateway',
        date,
        units: 12345,
        calls: 7,
        feature: 'text__generation',
        provider: 'anthropic',
      });
    if (i % 7 === 0)
      out.push({
        token: 'staging-web-app',
        date,
        units: 3300,
        calls: 3,
        feature: 'text__chat',
        provider: 'openai',
      });
    out.push({ token: 'dev-web-app', date, units: 100, calls: 5, feature: 'text__chat', provider: 'openai' });
    if (i % 10 === 0)
      out.push({
        token: 'legacy-key',
        date,
        units: 20000,
        calls: 1,
        feature: 'ocr__ocr',
        provider: 'amazon',
      });
  }
  return out;
}

const usd = (units: number) => units / 10_000;
const sumUnits = (rows: Spend[]) => rows.reduce((n, s) => n + s.units, 0);
const sumCalls = (rows: Spend[]) => rows.reduce((n, s) => n + s.calls, 0);

const spend = plannedSpend();
const inRange = (s: Spend) => s.date >= RANGE.from && s.date <= RANGE.to;
/** What Eden charges: sandbox tokens cost nothing. */
const charged = (s: Spend) => (s.token.startsWith('dev-') ? 0 : s.units);

describe.each(BACKENDS)('UsageMonitor on the fake Eden AI ($api)', ({ api, create, usagePath }) => {
  let fake: FakeEdenAI;
  let registry: TokenRegistry;
  let backend: TokenBackend;
  let source: UsageSource;
  const values: string[] = [];

  function monitor(options: Partial<UsageMonitorOptions> = {}) {
    return new UsageMonitor({
      registry,
      source,
      clock,
      maxRangeDays: MAX_DAYS,
      ...options,
    });
  }

  function costRequests(): number {
    return fake.requests.filter((r) => usagePath.test(r.path)).length;
  }

  function simulate(rows: Spend[]) {
    for (const s of rows) {
      const result = fake.simulateUsage({
        token: s.token,
        date: s.date,
        cost: usd(s.units),
        calls: s.calls,
        feature: s.feature,
        provider: s.provider,
      });
      expect(result, `${s.token} ${s.date}`).toEqual({ ok: true });
    }
  }

  beforeAll(async () => {
    ({ fake, backend, usageSource: source } = await create({ clock, maxCostRangeDays: MAX_DAYS }));
    registry = new TokenRegistry({
      backend,
      secrets: new MemorySecretStore(),
      environments: ENVIRONMENTS,
      clock,
    });
    await registry.create({ environment: 'prod', app: 'web-app' });
    await registry.create({ environment: 'prod', app: 'api-gateway', budget: 1000 });
    await registry.create({ environment: 'staging', app: 'web-app' });
    await registry.create({ environment: 'dev', app: 'web-app' });
    await backend.create({ name: 'legacy-key', balance: 100, activeBalance: true });
    simulate(spend.filter((s) => s.token !== 'prod-web-app--g2'));

    // A rotation, done by hand: the new generation is funded, the old one is deleted (its cost
    // history stays in Eden's reports under its own name).
    await backend.create({
      name: 'prod-web-app--g2',
      tokenType: 'api_token',
      balance: 12,
      activeBalance: true,
      expireTime: new Date('2024-04-01T00:00:00Z'),
      balanceResetPeriod: 'monthly',
      balanceResetAmount: 12,
    });
    for (const t of fake.tokens()) values.push(fake.tokenValue(t.name)!);
    await backend.delete('prod-web-app');
    simulate(spend.filter((s) => s.token === 'prod-web-app--g2'));
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('sums both generations of prod-web-app to the cent, by day, feature and provider', async () => {
    const m = monitor();
    fake.resetRequestLog();
    const u = await m.tokenUsage('prod-web-app', RANGE);
    const mine = spend.filter((s) => s.token.startsWith('prod-web-app') && inRange(s));
    expect(u.tokenNames).toEqual(['prod-web-app', 'prod-web-app--g2']);
    expect(u.totalCost).toBe(usd(sumUnits(mine)));
    expect(u.totalCalls).toBe(sumCalls(mine));
    expect(u.byDay).toEqual(mine.map((s) => ({ date: s.date, cost: usd(s.units), calls: s.calls })));
    for (const f of u.byFeature)
      expect(f.cost).toBe(usd(sumUnits(mine.filter((s) => s.feature === f.feature))));
    for (const p of u.byProvider)
      expect(p.cost).toBe(usd(sumUnits(mine.filter((s) => s.provider === p.provider))));
    expect(u.byProvider.map((p) => p.provider).sort()).toEqual(['google', 'openai']);
    // 48 days at 31 days per request: two unfiltered requests, whatever the number of generations.
    expect(costRequests()).toBe(2);
    expect(fake.requests.every((r) => r.path.startsWith(`/${api}/`))).toBe(true);
    expectGolden('fake-token-usage.json', `${JSON.stringify(u, null, 2)}\n`);
  });

  it("gets the same totals with tokenQuery 'byName' (one request per generation and window)", async () => {
    const all = await monitor().tokenUsage('prod-web-app', RANGE);
    fake.resetRequestLog();
    const byName = await monitor({ tokenQuery: 'byName' }).tokenUsage('prod-web-app', RANGE);
    expect(byName).toEqual(all);
    expect(costRequests()).toBe(4);
  });

  it('reports every environment to the cent, windowing the range the fake refuses in one request', async () => {
    fake.resetRequestLog();
    const r = await monitor().report(RANGE);
    expect(costRequests()).toBe(2);
    const rows = spend.filter(inRange);
    const env = (e: string) => rows.filter((s) => s.token.startsWith(`${e}-`));
    expect(r.environments.map((e) => [e.environment, e.tokens, e.totalCost, e.totalCalls])).toEqual([
      ['dev', 1, 0, sumCalls(env('dev'))],
      ['staging', 1, usd(sumUnits(env('staging'))), sumCalls(env('staging'))],
      ['prod', 2, usd(sumUnits(env('prod'))), sumCalls(env('prod'))],
    ]);
    const managedUnits = rows.filter((s) => s.token !== 'legacy-key').reduce((n, s) => n + charged(s), 0);
    expect(r.totalCost).toBe(usd(managedUnits));
    const legacy = rows.filter((s) => s.token === 'legacy-key');
    expect(r.unmanaged).toMatchObject({
      tokens: 1,
      totalCost: usd(sumUnits(legacy)),
      totalCalls: sumCalls(legacy),
    });
    expect(r.tokenRows.find((t) => t.name === 'prod-web-app')).toMatchObject({
      managed: true,
      environment: 'prod',
    });

    // The same range in one request is refused by the fake (as by Eden): windowing is needed.
    await expect(monitor({ maxRangeDays: 366 }).report(RANGE)).rejects.toBeInstanceOf(BadRequestError);
  });

  it('forecasts the current generation from the last 7 complete days', async () => {
    const f = await monitor().forecast('prod-web-app');
    const week = spend.filter(
      (s) => s.token === 'prod-web-app--g2' && s.date >= '2024-03-13' && s.date <= '2024-03-19',
    );
    const g2 = spend.filter((s) => s.token === 'prod-web-app--g2');
    const balance = usd(120_000 - sumUnits(g2));
    const burn = usd(sumUnits(week)) / 7;
    expect(f).toMatchObject({
      name: 'prod-web-app',
      tokenName: 'prod-web-app--g2',
      window: { from: '2024-03-13', to: '2024-03-19' },
      windowCost: usd(sumUnits(week)),
      balance,
      resetPeriod: 'monthly',
      nextResetAt: new Date('2024-03-31T22:00:00Z'),
      expireTime: new Date('2024-04-01T00:00:00Z'),
      exhaustsBeforeReset: true,
      exhaustsBeforeExpiry: false,
    });
    expect(f.burnRatePerDay).toBeCloseTo(burn, 12);
    expect(f.daysUntilExhausted).toBeCloseTo(balance / burn, 9);
    expect(f.exhaustsAt!.getTime()).toBeCloseTo(NOW.getTime() + (balance / burn) * 86_400_000, -1);
  });

  it("reconciles the balance drop with Eden's reported cost, and flags a drop no report explains", async () => {
    const m = monitor();
    const before = (await registry.get('prod-web-app')).balance!;
    simulate([
      {
        token: 'prod-web-app--g2',
        date: '2024-03-20',
        units: 4321,
        calls: 2,
        feature: 'text__chat',
        provider: 'openai',
      },
      {
        token: 'prod-web-app--g2',
        date: '2024-03-20',
        units: 1234,
        calls: 1,
        feature: 'ocr__ocr',
        provider: 'google',
      },
    ]);
    const after = (await registry.get('prod-web-app')).balance!;
    const today = { from: '2024-03-20', to: '2024-03-20' };
    const ok = await m.reconcile('prod-web-app', { ...today, balanceBefore: before, balanceAfter: after });
    expect(ok).toMatchObject({
      ok: true,
      tokenName: 'prod-web-app--g2',
      balanceDrop: 0.5555,
      reportedCost: 0.5555,
      difference: 0,
    });

    await backend.update('prod-web-app--g2', { balance: Math.round((after - 1) * 1e4) / 1e4 });
    const lower = (await registry.get('prod-web-app')).balance!;
    const bad = await m.reconcile('prod-web-app', { ...today, balanceBefore: before, balanceAfter: lower });
    expect(bad).toMatchObject({ ok: false, difference: 1 });
    expect(bad.message).toMatch(/unexplained spend \$1\.0000/);
  });

  it('formats the report like the golden files, with no token value anywhere', async () => {
    const m = monitor();
    const report = await m.report(RANGE);
    expect(values.length).toBe(6);
    for (const v of values) expect(v.length).toBeGreaterThan(16);
    const outputs = [
      JSON.stringify(await m.tokenUsage('prod-web-app', RANGE)),
      JSON.stringify(await m.forecast('prod-web-app')),
      JSON.stringify(await m.reconcile('prod-web-app', { ...RANGE, balanceBefore: 1, balanceAfter: 0 })),
      formatUsageReport(report, 'text', { tokens: true }),
    ];
    for (const format of USAGE_REPORT_FORMATS) {
      const out = formatUsageReport(report, format);
      outputs.push(out);
      expectGolden(`fake-report.${format === 'text' ? 'txt' : format}`, out);
    }
    for (const out of outputs) for (const v of values) expect(out.includes(v)).toBe(false);
  });
});
