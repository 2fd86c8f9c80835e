// The demo's weeks of traffic (seeded, so every run prints the same numbers) and the scan of its
// output for every token value the fake handed out.
import type { FakeEdenAI } from '../../testing/index.js';

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
interface TrafficProfile {
  callsPerDay: number;
  costPerCall: number;
  feature: string;
  provider: string;
}

/** Profiles tuned so staging-web-app runs low on budget by the health check, like the tutorial's. */
const profiles: Record<string, TrafficProfile> = {
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

/**
 * One day of traffic on every live token: calls vary ±30 %, cost per call ±10 %, from the seeded
 * generator. The fake drains balances and records cost history, as Eden would.
 */
export function simulateDay(
  fake: FakeEdenAI,
  day: Date,
  random: () => number,
): { calls: number; cost: number } {
  const totals = { calls: 0, cost: 0 };
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
    }
  }
  return totals;
}

/**
 * Every token value the fake has handed out during the demo, live and revoked. The demo calls
 * `collect` after each step that creates tokens, since the fake forgets a deleted token's value.
 */
export class IssuedValues {
  private readonly values = new Set<string>();

  collect(fake: FakeEdenAI): void {
    for (const t of fake.tokens()) {
      const value = fake.tokenValue(t.name);
      if (value) this.values.add(value);
    }
  }

  get size(): number {
    return this.values.size;
  }

  /** Values found in `text` (none, we expect). */
  findIn(text: string): number {
    let found = 0;
    for (const v of this.values) if (text.includes(v)) found++;
    return found;
  }
}
