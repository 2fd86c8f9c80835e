import { InvalidInputError, MemoryUsageSource, UsageMonitor } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { counting, rec } from './records.js';
import { managed, stubRegistry } from './stub-registry.js';

function world() {
  const registry = stubRegistry(
    ['prod'],
    [
      managed('prod-web-app', {
        tokenName: 'prod-web-app--g2',
        generation: 2,
        generations: ['prod-web-app', 'prod-web-app--g2'],
      }),
    ],
  );
  const { source, queries } = counting(
    new MemoryUsageSource([
      rec('prod-web-app', '2024-01-02', 5),
      rec('prod-web-app--g2', '2024-01-02', 0.1),
      rec('prod-web-app--g2', '2024-01-03', 0.2),
      rec('prod-web-app--g2', '2024-01-05', 9), // after the period
    ]),
  );
  return { monitor: new UsageMonitor({ registry, source }), queries };
}

const period = { from: '2024-01-01', to: '2024-01-04' };

describe('UsageMonitor.reconcile', () => {
  it("matches the current generation's balance drop against its own reported cost, exactly", async () => {
    const { monitor, queries } = world();
    const r = await monitor.reconcile('prod-web-app', { ...period, balanceBefore: 10, balanceAfter: 9.7 });
    expect(r).toMatchObject({
      name: 'prod-web-app',
      tokenName: 'prod-web-app--g2',
      range: period,
      balanceDrop: 0.3,
      reportedCost: 0.3,
      difference: 0,
      ok: true,
    });
    expect(queries).toEqual([{ step: 1, token: 'prod-web-app--g2', begin: '2024-01-01', end: '2024-01-04' }]);
    expect(r.message).toBe(
      'prod-web-app--g2 2024-01-01..2024-01-04: balance drop $0.3000 matches reported cost $0.3000',
    );
  });

  it('takes the generation named when given a generation name (a logical name means the current one)', async () => {
    const { monitor, queries } = world();
    const r = await monitor.reconcile('prod-web-app--g2', {
      ...period,
      balanceBefore: 10,
      balanceAfter: 9.7,
    });
    expect([r.name, r.tokenName, r.ok]).toEqual(['prod-web-app', 'prod-web-app--g2', true]);
    expect(queries[0]?.token).toBe('prod-web-app--g2');
  });

  it('flags a gap beyond the tolerance: the larger of absolute and relative', async () => {
    const { monitor } = world();
    const base = { ...period, balanceBefore: 10 };
    const drift = await monitor.reconcile('prod-web-app', { ...base, balanceAfter: 9.5 });
    expect(drift).toMatchObject({
      ok: false,
      balanceDrop: 0.5,
      reportedCost: 0.3,
      difference: 0.2,
      allowed: 0.01,
    });
    expect(drift.message).toMatch(/unexplained spend \$0\.2000, allowed \$0\.0100/);

    const loose = await monitor.reconcile('prod-web-app', {
      ...base,
      balanceAfter: 9.5,
      tolerance: { absolute: 0.2 },
    });
    expect(loose.ok).toBe(true);
    const relative = await monitor.reconcile('prod-web-app', {
      ...base,
      balanceAfter: 9.5,
      tolerance: { absolute: 0, relative: 0.4 },
    });
    expect([relative.ok, relative.allowed]).toEqual([true, 0.2]);
    const justOver = await monitor.reconcile('prod-web-app', { ...base, balanceAfter: 9.689 });
    expect([justOver.difference, justOver.ok]).toEqual([0.011, false]);
    const uncharged = await monitor.reconcile('prod-web-app', { ...base, balanceAfter: 10 });
    expect(uncharged.message).toMatch(/reported cost not charged \$0\.3000/);
  });

  it('counts credits added between the readings', async () => {
    const r = await world().monitor.reconcile('prod-web-app', {
      ...period,
      balanceBefore: 10,
      balanceAfter: 59.7,
      credited: 50,
    });
    expect([r.balanceDrop, r.ok]).toEqual([0.3, true]);
  });

  it('rejects bad numbers and ranges before any request', async () => {
    const { monitor, queries } = world();
    const bad = [
      { ...period, balanceBefore: Number.NaN, balanceAfter: 1 },
      { ...period, balanceBefore: 1, balanceAfter: '1' as unknown as number },
      { ...period, balanceBefore: 1, balanceAfter: 1, tolerance: { absolute: -1 } },
      { ...period, balanceBefore: 1, balanceAfter: 1, credited: -5 },
      { from: '2024-01-05', to: '2024-01-01', balanceBefore: 1, balanceAfter: 1 },
    ];
    for (const input of bad)
      await expect(monitor.reconcile('prod-web-app', input)).rejects.toThrow(InvalidInputError);
    expect(queries).toHaveLength(0);
  });
});
