import type { FakeEdenAI } from '../../testing/fake/index.js';

/** mulberry32: a tiny seeded PRNG, so every demo run prints the same numbers. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** How busy each app is: calls per day and USD per call (sandbox calls cost nothing on Eden). */
export interface TrafficProfile {
  callsPerDay: number;
  costPerCall: number;
  feature: string;
  provider: string;
}

/** Profiles tuned so staging-web-app runs low on budget by the health check, like the tutorial's. */
export const profiles: Record<string, TrafficProfile> = {
  'dev-web-app': { callsPerDay: 25, costPerCall: 0.01, feature: 'text__chat', provider: 'openai' },
  'dev-mobile-app': {
    callsPerDay: 12,
    costPerCall: 0.01,
    feature: 'translation__automatic_translation',
    provider: 'deepl',
  },
  'dev-testing': { callsPerDay: 8, costPerCall: 0.01, feature: 'ocr__ocr', provider: 'google' },
  'staging-web-app': { callsPerDay: 62, costPerCall: 0.0085, feature: 'text__chat', provider: 'openai' },
  'staging-mobile-app': {
    callsPerDay: 11,
    costPerCall: 0.0085,
    feature: 'translation__automatic_translation',
    provider: 'deepl',
  },
  'prod-web-app': { callsPerDay: 110, costPerCall: 0.0142, feature: 'text__chat', provider: 'openai' },
  'prod-mobile-app': {
    callsPerDay: 75,
    costPerCall: 0.0142,
    feature: 'translation__automatic_translation',
    provider: 'deepl',
  },
  'prod-api-gateway': { callsPerDay: 190, costPerCall: 0.0142, feature: 'text__chat', provider: 'anthropic' },
};

export interface DayTotals {
  calls: number;
  cost: number;
  refused: number;
}

/**
 * One day of traffic on every live token: calls vary ±30 %, cost per call ±10 %, from the seeded
 * generator. The fake drains balances and records cost history, as Eden would.
 */
export function simulateDay(fake: FakeEdenAI, day: Date, random: () => number): DayTotals {
  const totals: DayTotals = { calls: 0, cost: 0, refused: 0 };
  for (const token of fake.tokens()) {
    const p = profiles[token.name];
    if (!p) continue;
    const calls = Math.round(p.callsPerDay * (0.7 + 0.6 * random()));
    const sandbox = token.tokenType === 'sandbox_api_token';
    const cost = sandbox ? 0 : Math.round(calls * p.costPerCall * (0.9 + 0.2 * random()) * 100) / 100;
    const r = fake.simulateUsage({
      token: token.name,
      cost,
      calls,
      feature: p.feature,
      provider: p.provider,
      date: day,
    });
    if (r.ok) {
      totals.calls += calls;
      totals.cost += cost;
    } else totals.refused++;
  }
  return totals;
}
