import type { ForecastSource } from 'edenai-token-manager';
import { AlertSystem } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import type { RotationFailure } from '../../src/rotation/types.js';
import { DAY, fakeClock, recorder, stubRegistry, token } from './helpers.js';

const NOW = '2024-03-01T09:00:00Z';

describe('policy, unmanaged, rotation and forecast rules', () => {
  it('reports policy violations: missing expiry, too distant expiry, budget over max or missing, wrong type', async () => {
    const clock = fakeClock(NOW);
    const registry = stubRegistry(
      {
        prod: {
          tokenType: 'api_token',
          budget: { max: 2000, required: true },
          expiry: { required: true, maxDays: 180 },
        },
      },
      [
        token('prod', 'ok', {
          activeBalance: true,
          balance: 500,
          expireTime: new Date(clock.ms() + 90 * DAY),
        }),
        token('prod', 'forever', { activeBalance: true, balance: 500 }),
        token('prod', 'far', {
          activeBalance: true,
          balance: 500,
          expireTime: new Date(clock.ms() + 400 * DAY),
        }),
        token('prod', 'big', {
          activeBalance: true,
          balance: 5000,
          expireTime: new Date(clock.ms() + 90 * DAY),
        }),
        token('prod', 'open', { activeBalance: false, expireTime: new Date(clock.ms() + 90 * DAY) }),
        token('prod', 'sandbox', {
          tokenType: 'sandbox_api_token',
          activeBalance: true,
          balance: 1,
          expireTime: new Date(clock.ms() + 90 * DAY),
        }),
      ],
    );
    const alerts = new AlertSystem({ registry, notifiers: [], clock });
    const found = (await alerts.check()).filter((a) => a.kind === 'policy-violation');
    expect(found.map((a) => [a.token, a.rule, a.severity])).toEqual([
      ['prod-forever', 'expiry.required', 'warning'],
      ['prod-far', 'expiry.maxDays', 'warning'],
      ['prod-big', 'budget.max', 'warning'],
      ['prod-open', 'budget.required', 'warning'],
      ['prod-sandbox', 'tokenType', 'warning'],
    ]);
    expect(found[0]!.message).toBe('prod-forever has no expiry date; the prod policy requires one');
    expect(found[2]!.message).toBe(
      'prod-big has a budget of $5,000.00; the prod policy allows at most $2,000.00',
    );
  });

  it('lists unmanaged tokens as info, and disabled kinds are not evaluated', async () => {
    const registry = stubRegistry(
      { prod: {} },
      [],
      [
        {
          name: 'legacy-key',
          tokenType: 'api_token',
          balance: 3,
          activeBalance: true,
          expireTime: null,
          balanceResetPeriod: 'none',
          balanceResetAmount: null,
        },
      ],
    );
    const rec = recorder();
    const report = await new AlertSystem({ registry, notifiers: [rec.notifier] }).run();
    expect(rec.all.map((a) => [a.id, a.severity, a.environment, a.message])).toEqual([
      [
        'unmanaged-token:legacy-key:g1',
        'info',
        'unmanaged',
        'legacy-key matches no declared environment (unmanaged token)',
      ],
    ]);
    expect(report.environments.map((e) => e.environment)).toEqual(['prod', 'unmanaged']);
    const quiet = new AlertSystem({ registry, notifiers: [], rules: { disabled: ['unmanaged-token'] } });
    expect(await quiet.check()).toEqual([]);
  });

  it('alerts on failed rotations (critical), once per failure, and keeps the mark if the source is down', async () => {
    const failures: RotationFailure[] = [
      {
        name: 'prod-web',
        rotationId: 'r-1',
        step: 'create',
        message: 'Eden answered 500',
        at: new Date(NOW),
      },
    ];
    let down = false;
    const rotations = {
      async failures() {
        if (down) throw new Error('state store unreachable');
        return failures;
      },
    };
    const registry = stubRegistry({ prod: {} }, [token('prod', 'web')]);
    const rec = recorder();
    const alerts = new AlertSystem({ registry, rotations, notifiers: [rec.notifier], clock: fakeClock(NOW) });
    const r1 = await alerts.run();
    expect(rec.all.map((a) => [a.id, a.severity])).toEqual([
      ['rotation-failed:prod-web:g1:r-1:create', 'critical'],
    ]);
    expect(r1.environments[0]!.tokens[0]!.status).toBe('critical');
    down = true;
    await alerts.run();
    down = false;
    await alerts.run();
    expect(rec.batches).toHaveLength(1);
    failures.length = 0; // resumed
    await alerts.run();
    expect(rec.batches).toHaveLength(1);
  });

  it('forecasts exhaustion before expiry or reset, only for budgeted tokens', async () => {
    const asked: string[] = [];
    const usage: ForecastSource = {
      async forecast(name) {
        asked.push(name);
        if (name === 'prod-a')
          return { daysUntilExhausted: 3.2, exhaustsBeforeExpiry: true, exhaustsBeforeReset: false };
        if (name === 'prod-b')
          return { daysUntilExhausted: 10, exhaustsBeforeExpiry: false, exhaustsBeforeReset: true };
        if (name === 'prod-c') throw new Error('no usage data');
        return { daysUntilExhausted: null, exhaustsBeforeExpiry: false, exhaustsBeforeReset: false };
      },
    };
    const budgeted = {
      activeBalance: true,
      balance: 1000,
      balanceResetPeriod: 'monthly' as const,
      balanceResetAmount: 1000,
    };
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'a', budgeted),
      token('prod', 'b', budgeted),
      token('prod', 'c', budgeted),
      token('prod', 'd', budgeted),
      token('prod', 'unlimited'),
    ]);
    const alerts = new AlertSystem({ registry, usage, notifiers: [], clock: fakeClock(NOW) });
    const found = await alerts.check();
    expect(asked.sort()).toEqual(['prod-a', 'prod-b', 'prod-c', 'prod-d']);
    expect(found.map((a) => [a.id, a.message])).toEqual([
      [
        'exhaustion-forecast:prod-a:2024-03',
        'prod-a is forecast to run out of budget in about 4 days, before it expires',
      ],
      [
        'exhaustion-forecast:prod-b:2024-03',
        'prod-b is forecast to run out of budget in about 10 days, before its monthly reset',
      ],
    ]);
  });

  it('asks a forecaster with forecastAll once for every budgeted token, never per token', async () => {
    const calls: string[][] = [];
    let mode: 'ok' | 'throws' | 'partial' = 'ok';
    const exhausts = { daysUntilExhausted: 2, exhaustsBeforeExpiry: true, exhaustsBeforeReset: false };
    const usage: ForecastSource = {
      async forecast() {
        throw new Error('not used when forecastAll exists');
      },
      async forecastAll({ tokens }) {
        calls.push(tokens.map((t) => t.name));
        if (mode === 'throws') throw new Error('cost API down');
        return tokens
          .filter((t) => mode === 'ok' || t.name === 'prod-a')
          .map((t) => ({ name: t.name, ...exhausts }));
      },
    };
    const budgeted = { activeBalance: true, balance: 100 };
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'a', budgeted),
      token('prod', 'b', budgeted),
      token('prod', 'unlimited'),
    ]);
    const rec = recorder();
    const alerts = new AlertSystem({ registry, usage, notifiers: [rec.notifier], clock: fakeClock(NOW) });
    await alerts.run();
    expect(calls).toEqual([['prod-a', 'prod-b']]);
    expect(rec.ids()).toEqual([
      'exhaustion-forecast:prod-a:allocation',
      'exhaustion-forecast:prod-b:allocation',
    ]);
    // A failed call, then an answer that leaves prod-b out: both keep their marks, nothing is re-sent.
    mode = 'throws';
    await alerts.run();
    mode = 'partial';
    await alerts.run();
    mode = 'ok';
    await alerts.run();
    expect(calls).toHaveLength(4);
    expect(rec.ids()).toHaveLength(2);
  });

  it('sends a wavering forecast once per budget period, not each time it comes back', async () => {
    let exhausts = true;
    const usage: ForecastSource = {
      async forecast() {
        return { daysUntilExhausted: 5, exhaustsBeforeExpiry: false, exhaustsBeforeReset: exhausts };
      },
    };
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'a', {
        activeBalance: true,
        balance: 900,
        balanceResetPeriod: 'monthly',
        balanceResetAmount: 1000,
      }),
    ]);
    const rec = recorder();
    const clock = fakeClock(NOW);
    const alerts = new AlertSystem({ registry, usage, notifiers: [rec.notifier], clock });
    for (let day = 0; day < 20; day++) {
      exhausts = day % 2 === 0; // the burn rate crosses the line every other evening
      await alerts.run();
      clock.advance(DAY);
    }
    expect(rec.ids()).toEqual(['exhaustion-forecast:prod-a:2024-03']);
    clock.set('2024-04-02T09:00:00Z'); // a new budget period
    exhausts = true;
    await alerts.run();
    expect(rec.ids()).toEqual(['exhaustion-forecast:prod-a:2024-03', 'exhaustion-forecast:prod-a:2024-04']);
  });

  it("keeps a forecast alert's mark while the forecaster fails, so it is not re-sent when it recovers", async () => {
    let mode: 'exhausts' | 'throws' = 'exhausts';
    const usage: ForecastSource = {
      async forecast() {
        if (mode === 'throws') throw new Error('cost API down');
        return { daysUntilExhausted: 2, exhaustsBeforeExpiry: true, exhaustsBeforeReset: false };
      },
    };
    const registry = stubRegistry({ prod: {} }, [token('prod', 'a', { activeBalance: true, balance: 100 })]);
    const rec = recorder();
    const alerts = new AlertSystem({ registry, usage, notifiers: [rec.notifier], clock: fakeClock(NOW) });
    await alerts.run();
    mode = 'throws';
    await alerts.run();
    mode = 'exhausts';
    await alerts.run();
    expect(rec.ids()).toEqual(['exhaustion-forecast:prod-a:allocation']);
  });
});

describe('request options', () => {
  it('passes the caller’s signal to the registry and the forecaster', async () => {
    const signal = new AbortController().signal;
    const seen: unknown[] = [];
    const base = stubRegistry({ prod: {} }, [
      token('prod', 'a', { activeBalance: true, balance: 10, balanceResetPeriod: 'none' }),
    ]);
    const registry = {
      ...base,
      byEnvironment: (options?: { signal?: AbortSignal }) => {
        seen.push(['byEnvironment', options?.signal]);
        return base.byEnvironment();
      },
    };
    const usage: ForecastSource = {
      async forecast(name, options) {
        seen.push(['forecast', name, options?.signal]);
        return { daysUntilExhausted: null, exhaustsBeforeExpiry: false, exhaustsBeforeReset: false };
      },
    };
    const alerts = new AlertSystem({ registry, usage, notifiers: [], clock: fakeClock(NOW) });
    await alerts.run({ signal });
    await alerts.checkExpiringTokens({ withinDays: 7, signal });
    await alerts.checkLowBalanceTokens({ ratio: 0.5, signal });
    await alerts.check({ signal });
    expect(seen).toEqual([
      ['byEnvironment', signal],
      ['forecast', 'prod-a', signal],
      ['byEnvironment', signal],
      ['byEnvironment', signal],
      ['byEnvironment', signal],
      ['forecast', 'prod-a', signal],
    ]);
  });
});
