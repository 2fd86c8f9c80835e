import type { ManagedToken } from 'edenai-token-manager';
import { InvalidInputError, MemoryUsageSource, NotFoundError, UsageMonitor } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { exhaustionFlags, nextResetAt } from '../../src/usage/forecast.js';
import { counting, rec } from './records.js';
import { managed, stubRegistry } from './stub-registry.js';

const NOW = new Date('2024-03-20T10:00:00Z'); // a Wednesday

function monitorFor(token: Partial<ManagedToken>, records = weekOfSpend()) {
  const registry = stubRegistry(['prod'], [managed('prod-web-app', token)]);
  const { source, queries } = counting(new MemoryUsageSource(records));
  return { monitor: new UsageMonitor({ registry, source, clock: () => NOW }), queries };
}

/** $2/day over the 7 complete days before NOW, split over two generations, plus today's spend. */
function weekOfSpend() {
  const days = ['13', '14', '15', '16', '17', '18', '19'];
  return [
    ...days.map((d) => rec(Number(d) < 17 ? 'prod-web-app' : 'prod-web-app--g2', `2024-03-${d}`, 2)),
    rec('prod-web-app--g2', '2024-03-20', 40), // today: partial, left out of the burn rate
    rec('prod-web-app--g2', '2024-03-12', 40), // before the window
  ];
}

const budgeted = { activeBalance: true, balance: 10, tokenName: 'prod-web-app--g2', generation: 2 };

describe('UsageMonitor.forecast', () => {
  it('measures the burn rate over the last complete days, all generations, and projects the balance', async () => {
    const { monitor, queries } = monitorFor({ ...budgeted, expireTime: new Date('2024-04-01T00:00:00Z') });
    const f = await monitor.forecast('prod-web-app');
    expect(queries).toHaveLength(1);
    expect(f).toMatchObject({
      name: 'prod-web-app',
      tokenName: 'prod-web-app--g2',
      window: { from: '2024-03-13', to: '2024-03-19' },
      windowDays: 7,
      windowCost: 14,
      burnRatePerDay: 2,
      balance: 10,
      daysUntilExhausted: 5,
      exhaustsAt: new Date('2024-03-25T10:00:00Z'),
      expireTime: new Date('2024-04-01T00:00:00Z'),
      exhaustsBeforeExpiry: true,
      resetPeriod: 'none',
      nextResetAt: null,
      exhaustsBeforeReset: false,
    });
    expect(f.asOf).toEqual(NOW);
  });

  it('uses windowDays', async () => {
    const { monitor } = monitorFor(budgeted);
    const f = await monitor.forecast('prod-web-app', { windowDays: 14 });
    expect(f.window).toEqual({ from: '2024-03-06', to: '2024-03-19' });
    expect([f.windowCost, f.burnRatePerDay, f.daysUntilExhausted]).toEqual([54, 54 / 14, 10 / (54 / 14)]);
    await expect(monitor.forecast('prod-web-app', { windowDays: 0 })).rejects.toThrow(InvalidInputError);
  });

  it('compares with the next reset: exhaustion after a refill is no problem', async () => {
    const monthly = await monitorFor({ ...budgeted, balanceResetPeriod: 'monthly' }).monitor.forecast(
      'prod-web-app',
    );
    // Midnight of April 1st in Paris (CEST, UTC+2).
    expect(monthly.nextResetAt).toEqual(new Date('2024-03-31T22:00:00Z'));
    expect([monthly.exhaustsBeforeReset, monthly.exhaustsBeforeExpiry]).toEqual([true, false]);

    const daily = await monitorFor({ ...budgeted, balanceResetPeriod: 'daily' }).monitor.forecast(
      'prod-web-app',
    );
    expect(daily.nextResetAt).toEqual(new Date('2024-03-20T23:00:00Z')); // CET, UTC+1
    expect([daily.exhaustsBeforeReset, daily.exhaustsBeforeExpiry]).toEqual([false, false]);
  });

  it('has no exhaustion for an unlimited budget or when nothing is spent; 0 days when already empty', async () => {
    const unlimited = await monitorFor({ activeBalance: false, balance: 10 }).monitor.forecast(
      'prod-web-app',
    );
    expect([unlimited.balance, unlimited.daysUntilExhausted, unlimited.exhaustsAt]).toEqual([
      null,
      null,
      null,
    ]);
    expect([unlimited.exhaustsBeforeExpiry, unlimited.exhaustsBeforeReset]).toEqual([false, false]);

    const idle = await monitorFor(budgeted, []).monitor.forecast('prod-web-app');
    expect([idle.burnRatePerDay, idle.daysUntilExhausted, idle.exhaustsAt]).toEqual([0, null, null]);

    const empty = await monitorFor({ ...budgeted, balance: 0 }, []).monitor.forecast('prod-web-app');
    expect([empty.daysUntilExhausted, empty.exhaustsAt, empty.exhaustsBeforeExpiry]).toEqual([0, NOW, true]);
  });

  it('passes NotFoundError through for an unknown token', async () => {
    await expect(monitorFor(budgeted).monitor.forecast('prod-nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('exhaustion flags', () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    // exhaustsAt, expiry, reset → beforeExpiry, beforeReset
    ['2024-03-25', null, null, true, false],
    ['2024-03-25', '2024-04-01', null, true, false],
    ['2024-04-05', '2024-04-01', null, false, false],
    ['2024-03-25', null, '2024-04-01', false, true],
    ['2024-04-05', null, '2024-04-01', false, false],
    ['2024-03-25', '2024-04-10', '2024-04-01', false, true],
    ['2024-03-25', '2024-03-28', '2024-04-01', true, false],
    ['2024-03-30', '2024-03-28', '2024-04-01', false, false],
  ])('exhausts %s, expires %s, resets %s → %s / %s', (ex, exp, reset, beforeExpiry, beforeReset) => {
    expect(exhaustionFlags(at(ex), exp ? at(exp) : null, reset ? at(reset) : null)).toEqual({
      beforeExpiry,
      beforeReset,
    });
  });
  it('is never set without an exhaustion date', () => {
    expect(exhaustionFlags(null, null, null)).toEqual({ beforeExpiry: false, beforeReset: false });
  });
});

describe('nextResetAt (midnight Europe/Paris)', () => {
  it.each([
    ['daily', '2024-03-20T10:00:00Z', '2024-03-20T23:00:00Z'],
    ['daily', '2024-03-20T23:30:00Z', '2024-03-21T23:00:00Z'], // already the 21st in Paris
    ['daily', '2024-03-30T23:30:00Z', '2024-03-31T22:00:00Z'], // across the spring DST change
    ['daily', '2024-10-26T22:30:00Z', '2024-10-27T23:00:00Z'], // across the autumn DST change
    ['weekly', '2024-03-20T10:00:00Z', '2024-03-24T23:00:00Z'], // Wednesday → Monday 25th
    ['weekly', '2024-03-25T10:00:00Z', '2024-03-31T22:00:00Z'], // Monday → next Monday (CEST)
    ['weekly', '2024-03-24T23:00:00Z', '2024-03-31T22:00:00Z'], // exactly at a reset → the next one
    ['monthly', '2024-03-20T10:00:00Z', '2024-03-31T22:00:00Z'],
    ['monthly', '2024-12-31T23:30:00Z', '2025-01-31T23:00:00Z'], // already January in Paris
    ['monthly', '2024-12-15T12:00:00Z', '2024-12-31T23:00:00Z'],
  ] as const)('%s from %s → %s', (period, now, expected) => {
    expect(nextResetAt(new Date(now), period)?.toISOString()).toBe(new Date(expected).toISOString());
  });
  it('is null without a reset period', () => {
    expect(nextResetAt(NOW, 'none')).toBeNull();
  });
});

it('accepts a generation name for forecast', async () => {
  const { monitor } = monitorFor(budgeted);
  expect((await monitor.forecast('prod-web-app--g2')).name).toBe('prod-web-app');
});

describe('UsageMonitor.forecastAll', () => {
  function fleet() {
    const tokens = [
      managed('prod-web-app', { ...budgeted, expireTime: new Date('2024-04-01T00:00:00Z') }),
      managed('prod-batch', { activeBalance: true, balance: 100, balanceResetPeriod: 'monthly' }),
      managed('prod-idle', { activeBalance: true, balance: 5 }),
      managed('prod-unlimited'),
    ];
    const registry = stubRegistry(['prod'], tokens);
    const records = [
      ...weekOfSpend(),
      ...['13', '15', '19'].map((d) => rec('prod-batch', `2024-03-${d}`, 7, 3)),
      rec('prod-unlimited', '2024-03-18', 1.5),
      rec('base_token', '2024-03-18', 99), // unmanaged: belongs to nobody
    ];
    const { source, queries } = counting(new MemoryUsageSource(records));
    return { monitor: new UsageMonitor({ registry, source, clock: () => NOW }), queries, registry, tokens };
  }

  it('gives every token the forecast that forecast(name) gives, from one cost query', async () => {
    const { monitor, queries, registry, tokens } = fleet();
    const all = await monitor.forecastAll();
    expect(queries).toEqual([{ begin: '2024-03-13', end: '2024-03-19', step: 1 }]);
    expect(registry.calls).toEqual(['list']);
    const one = [];
    for (const t of tokens) one.push(await monitor.forecast(t.name));
    expect(all).toEqual(one);
    expect(all.map((f) => [f.name, f.windowCost])).toEqual([
      ['prod-web-app', 14],
      ['prod-batch', 21],
      ['prod-idle', 0],
      ['prod-unlimited', 1.5],
    ]);
  });

  it('uses the tokens it is given without listing, and windowDays', async () => {
    const { monitor, queries, registry, tokens } = fleet();
    const [f] = await monitor.forecastAll({ tokens: tokens.slice(1, 2), windowDays: 14 });
    expect(registry.calls).toEqual([]);
    expect(queries).toEqual([{ begin: '2024-03-06', end: '2024-03-19', step: 1 }]);
    expect([f?.name, f?.windowCost, f?.windowDays]).toEqual(['prod-batch', 21, 14]);
    expect(await monitor.forecastAll({ tokens: [] })).toEqual([]);
  });

  it('rejects a bad windowDays or tokens before any request', async () => {
    const { monitor, queries, registry } = fleet();
    await expect(monitor.forecastAll({ windowDays: 1.5 })).rejects.toMatchObject({ field: 'windowDays' });
    await expect(monitor.forecastAll({ tokens: 'prod-web-app' as never })).rejects.toMatchObject({
      field: 'tokens',
    });
    expect([queries, registry.calls]).toEqual([[], []]);
  });
});
