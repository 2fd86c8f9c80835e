import type { Alert, Notifier } from 'edenai-token-manager';
import { AlertSystem, ConfigurationError, MemoryStateStore } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { DAY, fakeClock, MINUTE, recorder, stubRegistry, token } from './helpers.js';

function setup(notifiers: Notifier[], rules = {}) {
  const clock = fakeClock('2024-03-01T09:00:00Z');
  const registry = stubRegistry({ prod: {} }, [
    token('prod', 'a', { expireTime: new Date(clock.ms() + 5 * DAY) }),
    token('prod', 'b', { expireTime: new Date(clock.ms() + 2 * DAY) }),
  ]);
  const state = new MemoryStateStore();
  return { clock, registry, state, alerts: new AlertSystem({ registry, notifiers, clock, state, rules }) };
}

describe('delivery', () => {
  it('a failing notifier does not stop the others, is listed, and retries alone next run', async () => {
    const first = recorder('first');
    const last = recorder('last');
    let failing = true;
    const flaky: Alert[][] = [];
    const bad: Notifier = {
      name: 'flaky',
      async notify(alerts) {
        if (failing) throw new Error('receiver down');
        flaky.push(alerts);
      },
    };
    // Throws synchronously, not even a rejected promise.
    const broken: Notifier = {
      name: 'broken',
      notify: () => {
        throw new TypeError('bug in notifier');
      },
    };
    const { alerts } = setup([first.notifier, bad, broken, last.notifier]);

    const r1 = await alerts.run();
    expect(first.ids()).toEqual(['expiring:prod-a:g1:7d', 'expiring:prod-b:g1:3d']);
    expect(last.ids()).toEqual(first.ids());
    expect(r1.sent.map((a) => a.id)).toEqual(first.ids());
    expect(r1.failures.map((f) => [f.notifier, f.error.message])).toEqual([
      ['flaky', 'receiver down'],
      ['broken', 'bug in notifier'],
    ]);

    failing = false;
    const r2 = await alerts.run();
    expect(flaky.flat().map((a) => a.id)).toEqual(first.ids());
    expect(first.batches).toHaveLength(1);
    expect(last.batches).toHaveLength(1);
    expect(r2.failures.map((f) => f.notifier)).toEqual(['broken']);
    expect(r2.sent.map((a) => a.id)).toEqual(first.ids());

    await alerts.run();
    expect(flaky).toHaveLength(1);
  });

  it('runs notifiers concurrently: a slow one does not delay the start of the others', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: Notifier = {
      name: 'slow',
      async notify() {
        started.push('slow');
        await gate;
      },
    };
    const fast: Notifier = {
      name: 'fast',
      async notify() {
        started.push('fast');
        release();
      },
    };
    const { alerts } = setup([slow, fast]);
    const report = await alerts.run();
    expect(started).toEqual(['slow', 'fast']);
    expect(report.failures).toEqual([]);
  });

  it('repeatEveryMs re-sends while the condition holds', async () => {
    const rec = recorder();
    const { alerts, clock } = setup([rec.notifier], { repeatEveryMs: 60 * MINUTE });
    for (let i = 0; i < 12; i++) {
      await alerts.run(); // every 10 minutes for two hours
      clock.advance(10 * MINUTE);
    }
    expect(rec.batches.map((b) => b.length)).toEqual([2, 2]);
    // Per environment: off for prod → sent once.
    const rec2 = recorder();
    const s2 = setup([rec2.notifier], {
      repeatEveryMs: 60 * MINUTE,
      environments: { prod: { repeatEveryMs: null } },
    });
    for (let i = 0; i < 12; i++) {
      await s2.alerts.run();
      s2.clock.advance(10 * MINUTE);
    }
    expect(rec2.batches).toHaveLength(1);
  });

  it('two overlapping run() calls send each alert once', async () => {
    const rec = recorder();
    const { alerts } = setup([rec.notifier]);
    await Promise.all([alerts.run(), alerts.run(), alerts.run()]);
    expect(rec.ids()).toEqual(['expiring:prod-a:g1:7d', 'expiring:prod-b:g1:3d']);
  });

  it('reads its state with one list() and a get() per notifier and environment, writes nothing new', async () => {
    const rec = recorder();
    const { alerts, state } = setup([rec.notifier]);
    await alerts.run();
    const calls = { get: 0, list: 0, set: 0 };
    for (const m of ['get', 'list', 'set'] as const) {
      const orig = state[m].bind(state) as (...args: unknown[]) => unknown;
      (state as unknown as Record<string, unknown>)[m] = (...args: unknown[]) => {
        calls[m]++;
        return orig(...args);
      };
    }
    await alerts.run();
    expect(calls).toEqual({ get: 2, list: 1, set: 0 }); // get: the notifier's marks, the environment's peaks
  });

  it('two processes writing the same marks entry merge (compare-and-set) instead of failing', async () => {
    const clock = fakeClock('2024-03-01T09:00:00Z');
    const state = new MemoryStateStore();
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'a', { expireTime: new Date(clock.ms() + 5 * DAY) }),
      token('prod', 'b', { expireTime: new Date(clock.ms() + 20 * DAY) }),
    ]);
    let arrived = 0;
    let release!: () => void;
    const bothLoaded = new Promise<void>((r) => {
      release = r;
    });
    const got: string[][] = [];
    // Two processes (two instances) with the same notifier; each waits until both have read the state.
    const notifier: Notifier = {
      name: 'pager',
      async notify(alerts) {
        if (++arrived === 2) release();
        await bothLoaded;
        got.push(alerts.map((a) => a.id));
      },
    };
    const make = () => new AlertSystem({ registry, notifiers: [notifier], clock, state });
    const [p1, p2] = [make(), make()];
    const reports = await Promise.all([p1.run(), p2.run()]);
    expect(reports.flatMap((r) => r.failures)).toEqual([]);
    // The second writer re-applied its marks on top of the first one's version.
    clock.advance(6 * DAY); // prod-b now 14 days out; prod-a expired
    arrived = 2;
    await p1.run();
    await p2.run();
    expect(got.slice(2)).toEqual([['expired:prod-a:g1', 'expiring:prod-b:g1:14d']]);
  });

  it('a state store that fails to record marks is reported, not thrown', async () => {
    const rec = recorder();
    const { alerts, state } = setup([rec.notifier]);
    state.set = async () => {
      throw new Error('disk full');
    };
    const report = await alerts.run();
    expect(report.sent).toHaveLength(2);
    expect(report.failures.map((f) => [f.notifier, f.error.message])).toEqual([['state', 'disk full']]);
  });

  it('rejects bad configuration with a typed error', () => {
    const registry = stubRegistry({ prod: {} });
    const n = recorder('same').notifier;
    expect(() => new AlertSystem({ registry, notifiers: [n, n] })).toThrow(/Two notifiers are named "same"/);
    expect(() => new AlertSystem({ registry, notifiers: {} as never })).toThrow(ConfigurationError);
    expect(() => new AlertSystem({ registry, notifiers: [], rules: { environments: { qa: {} } } })).toThrow(
      /does not declare/,
    );
    expect(() => new AlertSystem({ registry, notifiers: [], rules: { lowBalanceRatio: 20 } })).toThrow(
      /lowBalanceRatio/,
    );
    expect(() => new AlertSystem({ registry, notifiers: [], timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
    expect(() => new AlertSystem({ registry: {} as never, notifiers: [] })).toThrow(/registry/);
  });
});
