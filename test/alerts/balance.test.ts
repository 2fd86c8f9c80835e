import { AlertSystem, MemoryStateStore } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { periodKeys } from '../../src/usage/forecast.js';
import { fakeClock, HOUR, recorder, stubRegistry, token } from './helpers.js';

describe('budget thresholds', () => {
  it('fire 50/75/90/100 % once each per monthly period, and again after the reset', async () => {
    // 2024-05-31T21:30Z is 23:30 in Paris (CEST): still May.
    const clock = fakeClock('2024-05-01T08:00:00Z');
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'api', {
        activeBalance: true,
        balance: 100,
        balanceResetPeriod: 'monthly',
        balanceResetAmount: 100,
      }),
    ]);
    const rec = recorder();
    const alerts = new AlertSystem({
      registry,
      notifiers: [rec.notifier],
      clock,
      rules: { disabled: ['low-balance'] },
    });

    const spend = async (balances: number[]) => {
      for (const balance of balances) {
        registry.update('prod-api', { balance });
        for (let i = 0; i < 5; i++) {
          clock.advance(HOUR);
          await alerts.run();
        }
      }
    };
    await spend([100, 60, 49, 40, 25, 24, 12, 9, 3, 0, 0]);
    expect(rec.all.map((a) => [a.id, a.severity])).toEqual([
      ['budget-threshold:prod-api:50pct:2024-05', 'info'],
      ['budget-threshold:prod-api:75pct:2024-05', 'warning'],
      ['budget-threshold:prod-api:90pct:2024-05', 'warning'],
      ['budget-threshold:prod-api:100pct:2024-05', 'critical'],
    ]);
    expect(rec.all[1]!.message).toBe(
      'prod-api has used 75% of its $100.00 monthly budget ($75.00 spent; threshold 75%)',
    );

    // 23:30 in Paris on May 31st: still the May period.
    clock.set('2024-05-31T21:30:00Z');
    await alerts.run();
    expect(rec.all).toHaveLength(4);
    // 00:30 in Paris on June 1st: Eden refilled the budget; a new period fires again.
    clock.set('2024-05-31T22:30:00Z');
    registry.update('prod-api', { balance: 100 });
    await alerts.run();
    await spend([45, 20]);
    expect(rec.ids().slice(4)).toEqual([
      'budget-threshold:prod-api:50pct:2024-06',
      'budget-threshold:prod-api:75pct:2024-06',
    ]);
  });

  it('without a known budget, fire once per allocation (across generations) against the largest balance the token had', async () => {
    const clock = fakeClock('2024-05-01T08:00:00Z');
    const state = new MemoryStateStore();
    const registry = stubRegistry({ staging: {} }, [
      token('staging', 'web', { activeBalance: true, balance: 50 }),
    ]);
    const rec = recorder();
    const alerts = new AlertSystem({ registry, notifiers: [rec.notifier], clock, state });
    await alerts.run();
    expect(await state.get('alerts/peaks/staging')).toMatchObject({
      value: { tokens: ['staging-web'], balances: [50] },
    });
    registry.update('staging-web', { balance: 20 });
    await alerts.run();
    await alerts.run();
    expect(rec.ids()).toEqual(['budget-threshold:staging-web:50pct:allocation']);
    // A rotation does not reset the baseline: the next generation is measured against $50 too.
    registry.update('staging-web', { generation: 2, balance: 18 });
    await alerts.run();
    registry.update('staging-web', { balance: 6 });
    await alerts.run();
    // Nor does it make the budget's alerts new: 50 % was sent already; 75 % and low balance are new.
    expect(rec.ids().slice(1)).toEqual([
      'low-balance:staging-web:allocation',
      'budget-threshold:staging-web:75pct:allocation',
    ]);
    expect(await state.get('alerts/peaks/staging')).toMatchObject({
      value: { tokens: ['staging-web'], balances: [50] },
    });
  });

  it('weekly and daily period keys follow midnight Europe/Paris', () => {
    // Monday 2024-05-13 00:30 in Paris is Sunday 22:30 UTC.
    const k = periodKeys(new Date('2024-05-12T22:30:00Z'), 'Europe/Paris');
    expect(k).toEqual({
      none: 'allocation',
      daily: '2024-05-13',
      weekly: 'week-2024-05-13',
      monthly: '2024-05',
    });
    const before = periodKeys(new Date('2024-05-12T21:30:00Z'), 'Europe/Paris');
    expect(before.weekly).toBe('week-2024-05-06');
    expect(before.daily).toBe('2024-05-12');
    // Winter time: UTC+1.
    expect(periodKeys(new Date('2024-01-31T23:30:00Z'), 'Europe/Paris').monthly).toBe('2024-02');
    expect(periodKeys(new Date('2024-01-31T23:30:00Z'), 'UTC').monthly).toBe('2024-01');
  });
});

describe('low balance', () => {
  it('resolves on top-up and is sent again when it comes back', async () => {
    const clock = fakeClock('2024-05-01T08:00:00Z');
    const state = new MemoryStateStore();
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'web', { activeBalance: true, balance: 100 }),
    ]);
    const rec = recorder();
    const alerts = new AlertSystem({
      registry,
      notifiers: [rec.notifier],
      clock,
      state,
      rules: { disabled: ['budget-threshold'] },
    });
    await alerts.run();
    registry.update('prod-web', { balance: 15 });
    for (let i = 0; i < 10; i++) {
      clock.advance(HOUR);
      await alerts.run();
    }
    expect(rec.all.map((a) => [a.kind, a.severity, a.message])).toEqual([
      ['low-balance', 'warning', 'prod-web balance is low: $15.00 left of $100.00 (15%)'],
    ]);
    registry.update('prod-web', { balance: 90 }); // top-up
    await alerts.run();
    expect(await state.list('alerts/sent/')).toEqual([]);
    registry.update('prod-web', { balance: 0 });
    await alerts.run();
    await alerts.run();
    expect(rec.all.map((a) => [a.kind, a.severity])).toEqual([
      ['low-balance', 'warning'],
      ['low-balance', 'critical'],
    ]);
  });

  it('the threshold argument works (tutorial bug): 30 % alerts at 25 %, the 20 % default does not', async () => {
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'a', {
        activeBalance: true,
        balance: 25,
        balanceResetPeriod: 'monthly',
        balanceResetAmount: 100,
      }),
      token('prod', 'b', {
        activeBalance: true,
        balance: 80,
        balanceResetPeriod: 'monthly',
        balanceResetAmount: 100,
      }),
      token('prod', 'unlimited', { activeBalance: false, balance: 1 }),
    ]);
    const alerts = new AlertSystem({ registry, notifiers: [] });
    expect(await alerts.checkLowBalanceTokens()).toEqual([]);
    expect((await alerts.checkLowBalanceTokens(0.3)).map((a) => a.token)).toEqual(['prod-a']);
    expect((await alerts.checkLowBalanceTokens({ ratio: 0.3 }))[0]).toMatchObject({
      kind: 'low-balance',
      threshold: 0.3,
      balance: 25,
      budget: 100,
    });
    expect((await alerts.checkLowBalanceTokens({ ratio: 0, amount: 90 })).map((a) => a.token)).toEqual([
      'prod-a',
      'prod-b',
    ]);
    await expect(alerts.checkLowBalanceTokens(30)).rejects.toThrow(/between 0 and 1/);
  });

  it('an absolute lowBalanceAmount from the policy alerts without a known budget', async () => {
    const registry = stubRegistry({ prod: { alerts: { lowBalanceAmount: 5 } } }, [
      token('prod', 'a', { activeBalance: true, balance: 4 }),
    ]);
    const alerts = new AlertSystem({ registry, notifiers: [] });
    const [a] = await alerts.checkLowBalanceTokens();
    // Budget = the largest balance seen (4): the ratio rule does not fire, the amount does.
    expect(a?.message).toBe('prod-a balance is low: $4.00 left of $4.00 (100%)');
  });
});
