import { describe, expect, it } from 'vitest';
import { detectStaleTokens, detectUsageAnomalies, type TokenDailyUsage } from '../../src/alerts/anomaly.js';
import { DAY_MS, formatDay } from '../../src/core/time.js';

// Seeded, so a failure is reproducible.
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const START = Date.UTC(2024, 0, 1) / DAY_MS;
const day = (i: number) => formatDay(START + i);
/** Noon UTC of day `i`: days 0…i-1 are complete. */
const noonOf = (i: number) => new Date((START + i) * DAY_MS + DAY_MS / 2);

/** Steady traffic: a base spend varying ±30 % from day to day, with `spikes` days tripled. */
function simulate(
  token: string,
  days: number,
  random: () => number,
  spikes: ReadonlySet<number> = new Set(),
) {
  const base = 5 + random() * 50;
  const byDay = Array.from({ length: days }, (_, i) => {
    const steady = base * (0.7 + 0.6 * random());
    const cost = spikes.has(i) ? steady * 3 : steady;
    return { date: day(i), cost, calls: Math.round(cost * 40) };
  });
  return { token, environment: 'prod', since: day(0), byDay } satisfies TokenDailyUsage;
}

describe('detectUsageAnomalies', () => {
  it('catches every injected 3× spike over 60 days', () => {
    const random = rng(7);
    const tokens: TokenDailyUsage[] = [];
    const injected = new Set<string>();
    for (let t = 0; t < 20; t++) {
      const spikes = new Set<number>();
      for (let i = 7 + Math.floor(random() * 8); i < 60; i += 6 + Math.floor(random() * 10)) spikes.add(i);
      const token = `prod-app-${t}`;
      for (const i of spikes) injected.add(`usage-anomaly:${token}:${day(i)}`);
      tokens.push(simulate(token, 60, random, spikes));
    }
    for (const metric of ['cost', 'calls'] as const) {
      const { anomalies } = detectUsageAnomalies(tokens, {
        now: noonOf(60),
        timeZone: 'UTC',
        days: 60,
        metric,
      });
      const found = new Set(anomalies.map((a) => a.id));
      expect(injected.size).toBeGreaterThan(80);
      expect([...injected].filter((id) => !found.has(id))).toEqual([]);
      expect(anomalies.filter((a) => !injected.has(a.id)).length).toBeLessThanOrEqual(1);
    }
  });

  it('raises at most 1 false alert over 1,000 token-days of steady traffic', () => {
    const random = rng(11);
    // 20 tokens × 64 days: the first 14 build the baseline, the last 50 are judged.
    const tokens = Array.from({ length: 20 }, (_, t) => simulate(`prod-app-${t}`, 64, random));
    const { anomalies } = detectUsageAnomalies(tokens, { now: noonOf(64), timeZone: 'UTC', days: 50 });
    expect(anomalies.length).toBeLessThanOrEqual(1);
  });

  it('says the day’s figure and the baseline, once per token per day', () => {
    const byDay = Array.from({ length: 20 }, (_, i) => ({
      date: day(i),
      cost: i === 19 ? 90 : 10,
      calls: 1,
    }));
    const { anomalies } = detectUsageAnomalies([{ token: 'prod-web-app', environment: 'prod', byDay }], {
      now: noonOf(20),
      timeZone: 'UTC',
    });
    expect(anomalies).toEqual([
      expect.objectContaining({
        id: `usage-anomaly:prod-web-app:${day(19)}`,
        day: day(19),
        figure: 90,
        baseline: 10,
        message: `prod-web-app used $90.00 on ${day(19)}, 9.0× its baseline of $10.00/day (median of the 14 days before)`,
      }),
    ]);
  });

  it('judges today only once it is complete, in the report’s time zone', () => {
    const byDay = Array.from({ length: 20 }, (_, i) => ({
      date: day(i),
      cost: i === 19 ? 90 : 10,
      calls: 1,
    }));
    const tokens = [{ token: 'prod-web-app', environment: 'prod', byDay }];
    // 23:30 UTC on day 19: still day 19 in UTC (partial), already day 20 in Tokyo (day 19 complete).
    const lateEvening = new Date((START + 19) * DAY_MS + 23.5 * 3_600_000);
    expect(detectUsageAnomalies(tokens, { now: lateEvening, timeZone: 'UTC' }).anomalies).toEqual([]);
    expect(detectUsageAnomalies(tokens, { now: lateEvening, timeZone: 'Asia/Tokyo' }).anomalies).toHaveLength(
      1,
    );
  });

  it('skips tokens too young for a baseline, and says so', () => {
    const byDay = [0, 1, 2].map((i) => ({ date: day(i), cost: 10 * (i + 1), calls: 1 }));
    const result = detectUsageAnomalies([{ token: 'dev-new', environment: 'dev', byDay }], {
      now: noonOf(3),
      timeZone: 'UTC',
    });
    expect(result.anomalies).toEqual([]);
    expect(result.skipped).toEqual([
      {
        token: 'dev-new',
        environment: 'dev',
        reason: 'too young for a usage baseline: 3 of 7 days of history',
      },
    ]);
  });
});

describe('detectStaleTokens', () => {
  const now = noonOf(100);
  const used = (i: number) => [{ date: day(i), cost: 1, calls: 3 }];
  it('reports tokens unused for 30 days (default), with their last use', () => {
    const stale = detectStaleTokens(
      [
        { token: 'prod-old', environment: 'prod', since: day(0), byDay: used(60) },
        { token: 'prod-busy', environment: 'prod', since: day(0), byDay: used(95) },
        { token: 'prod-orphan', environment: 'prod', since: day(50), byDay: [] },
        { token: 'prod-new', environment: 'prod', since: day(90), byDay: [] },
      ],
      { now, timeZone: 'UTC' },
    );
    expect(stale.map((s) => [s.token, s.lastUsed, s.idleDays])).toEqual([
      ['prod-old', day(60), 39],
      ['prod-orphan', null, 50],
    ]);
    expect(stale[0]!.message).toBe(
      `prod-old has not been used for 39 days (last use ${day(60)}): revoke it if nothing needs it`,
    );
  });
  it('takes its threshold from `days`', () => {
    const tokens = [{ token: 'prod-old', environment: 'prod', since: day(0), byDay: used(80) }];
    expect(detectStaleTokens(tokens, { now, timeZone: 'UTC', days: 10 })).toHaveLength(1);
    expect(detectStaleTokens(tokens, { now, timeZone: 'UTC' })).toHaveLength(0);
  });
});
