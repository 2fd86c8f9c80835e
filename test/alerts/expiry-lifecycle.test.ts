import { AlertSystem, MemoryStateStore } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { DAY, fakeClock, HOUR, MINUTE, recorder, stubRegistry, token } from './helpers.js';

const START = '2024-03-01T09:00:00.000Z';

describe('expiry alerts over a token life', () => {
  it('fires 14/7/3/1-day warnings and "expired" exactly once each, then again for a new generation', async () => {
    const clock = fakeClock(START);
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'web-app', { expireTime: new Date(clock.ms() + 30 * DAY) }),
    ]);
    const rec = recorder();
    const alerts = new AlertSystem({
      registry,
      notifiers: [rec.notifier],
      state: new MemoryStateStore(),
      clock,
    });

    // Fresh token: nothing.
    expect((await alerts.run()).sent).toEqual([]);

    // Walk 32 days, one run per simulated hour, and every minute in the 2 hours around each threshold.
    const expiry = clock.ms() + 30 * DAY;
    const dense = [14, 7, 3, 1, 0].map((d) => expiry - d * DAY);
    let runs = 0;
    while (clock.ms() < expiry + 2 * DAY) {
      const nearThreshold = dense.some((t) => Math.abs(t - clock.ms()) <= HOUR);
      clock.advance(nearThreshold ? MINUTE : HOUR);
      await alerts.run();
      runs++;
    }
    expect(runs).toBeGreaterThan(1000);
    expect(rec.all.map((a) => [a.kind, a.threshold ?? null, a.severity])).toEqual([
      ['expiring', 14, 'warning'],
      ['expiring', 7, 'warning'],
      ['expiring', 3, 'critical'],
      ['expiring', 1, 'critical'],
      ['expired', null, 'critical'],
    ]);
    expect(rec.ids()).toEqual([
      'expiring:prod-web-app:g1:14d',
      'expiring:prod-web-app:g1:7d',
      'expiring:prod-web-app:g1:3d',
      'expiring:prod-web-app:g1:1d',
      'expired:prod-web-app:g1',
    ]);
    // Each fired exactly when its threshold was crossed (within the one-minute step).
    const firedAt = rec.all.map((a) => a.at.getTime());
    dense.forEach((t, i) => {
      expect(firedAt[i]!).toBeGreaterThanOrEqual(t);
      expect(firedAt[i]! - t).toBeLessThanOrEqual(MINUTE);
    });

    // Rotate: generation 2 expires in 20 days. No alert until 14 days out, then each threshold again.
    registry.update('prod-web-app', { generation: 2, expireTime: new Date(clock.ms() + 20 * DAY) });
    rec.batches.length = 0;
    await alerts.run();
    expect(rec.all).toEqual([]);
    for (let i = 0; i < 22 * 24; i++) {
      clock.advance(HOUR);
      await alerts.run();
    }
    expect(rec.ids()).toEqual([
      'expiring:prod-web-app:g2:14d',
      'expiring:prod-web-app:g2:7d',
      'expiring:prod-web-app:g2:3d',
      'expiring:prod-web-app:g2:1d',
      'expired:prod-web-app:g2',
    ]);
    expect(rec.all[0]!.tokenName).toBe('prod-web-app--g2');
  });

  it('a token first seen inside 5 days gets the 7-day alert only, not 14 and 7', async () => {
    const clock = fakeClock(START);
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'api', { expireTime: new Date(clock.ms() + 5 * DAY) }),
    ]);
    const rec = recorder();
    const alerts = new AlertSystem({ registry, notifiers: [rec.notifier], clock });
    const report = await alerts.run();
    expect(report.sent.map((a) => a.id)).toEqual(['expiring:prod-api:g1:7d']);
    expect(report.sent[0]!.message).toBe('prod-api expires in 5 days (2024-03-06)');
  });

  it('an extended token that comes back into range is warned again (the mark was cleared)', async () => {
    const clock = fakeClock(START);
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'api', { expireTime: new Date(clock.ms() + 10 * DAY) }),
    ]);
    const rec = recorder();
    const state = new MemoryStateStore();
    const alerts = new AlertSystem({ registry, notifiers: [rec.notifier], clock, state });
    await alerts.run();
    expect(await state.get('alerts/sent/recorder')).toMatchObject({
      value: { '2024-03-01T09:00:00.000Z': ['expiring:prod-api:g1:14d'] },
    });
    registry.update('prod-api', { expireTime: new Date(clock.ms() + 90 * DAY) });
    await alerts.run();
    expect(await state.list('alerts/sent/')).toEqual([]);
    clock.advance(80 * DAY);
    await alerts.run();
    await alerts.run();
    expect(rec.ids()).toEqual(['expiring:prod-api:g1:14d', 'expiring:prod-api:g1:14d']);
  });

  it('uses per-environment expiry days and critical days from the policy and the rules option', async () => {
    const clock = fakeClock(START);
    const registry = stubRegistry({ dev: {}, prod: { alerts: { expiryDays: [30, 10] } } }, [
      token('dev', 'a', { expireTime: new Date(clock.ms() + 20 * DAY) }),
      token('prod', 'a', { expireTime: new Date(clock.ms() + 20 * DAY) }),
      token('prod', 'b', { expireTime: new Date(clock.ms() + 5 * DAY) }),
    ]);
    const alerts = new AlertSystem({
      registry,
      notifiers: [],
      clock,
      rules: { criticalDays: 1, environments: { prod: { criticalDays: 7 } } },
    });
    const found = await alerts.checkExpiringTokens();
    expect(found.map((a) => [a.id, a.severity])).toEqual([
      ['expiring:prod-a:g1:30d', 'warning'],
      ['expiring:prod-b:g1:10d', 'critical'],
    ]);
    expect(alerts.rules('dev').criticalDays).toBe(1);
    expect(alerts.rules('prod').expiryDays).toEqual([30, 10]);
  });

  it('checkExpiringTokens(n) lists every token within n days and sends nothing', async () => {
    const clock = fakeClock(START);
    const registry = stubRegistry({ staging: {} }, [
      token('staging', 'web-app', { expireTime: new Date(clock.ms() + 12 * DAY) }),
      token('staging', 'old', { expireTime: new Date(clock.ms() - 2 * DAY) }),
      token('staging', 'later', { expireTime: new Date(clock.ms() + 40 * DAY) }),
      token('staging', 'never'),
    ]);
    const rec = recorder();
    const state = new MemoryStateStore();
    const alerts = new AlertSystem({ registry, notifiers: [rec.notifier], clock, state });
    expect((await alerts.checkExpiringTokens(7)).map((a) => a.token)).toEqual(['staging-old']);
    expect((await alerts.checkExpiringTokens({ withinDays: 45 })).map((a) => [a.token, a.kind])).toEqual([
      ['staging-web-app', 'expiring'],
      ['staging-old', 'expired'],
      ['staging-later', 'expiring'],
    ]);
    expect(rec.batches).toEqual([]);
    expect(await state.list()).toEqual([]);
    await expect(alerts.checkExpiringTokens(-1)).rejects.toThrow(/withinDays/);
  });
});
