// Shared by the examples: Eden AI when EDENAI_API_KEY is set, else the built-in fake server
// (in memory), optionally with the tutorial's tokens and weeks of traffic behind them, so every
// example shows something real without an account.
// In your project, import from 'edenai-token-manager' and 'edenai-token-manager/testing'.
import {
  AlertSystem,
  type ClientOptions,
  CustomTokenClient,
  FileSecretStore,
  FileStateStore,
  MemorySecretStore,
  MemoryStateStore,
  type SecretStore,
  type StateStore,
  TokenRegistry,
} from '../src/index.js';
import { createFakeEdenAI, type FakeEdenAI } from '../src/testing/index.js';

/** The tutorial's environments: dev sandbox, staging 50 $ / 90 days, prod 500 $ / 90 days required. */
export const environments = {
  dev: { tokenType: 'sandbox_api_token' },
  staging: { tokenType: 'api_token', budget: { default: 50, max: 100 }, expiry: { defaultDays: 90 } },
  prod: {
    tokenType: 'api_token',
    budget: { default: 500, max: 2000 },
    expiry: { required: true, defaultDays: 90 },
  },
} as const;

/** The tutorial's setup_environments.py, as a desired state. */
export const desired = {
  dev: { 'web-app': {}, 'mobile-app': {}, testing: {} },
  staging: { 'web-app': { budget: 50, expiresInDays: 90 }, 'mobile-app': { budget: 50, expiresInDays: 90 } },
  prod: {
    'web-app': { budget: 500, expiresInDays: 90 },
    'mobile-app': { budget: 500, expiresInDays: 90 },
    'api-gateway': { budget: 1000, expiresInDays: 90 },
  },
};

export interface Connection {
  clientOptions: ClientOptions;
  secrets: SecretStore;
  state: StateStore;
  clock: () => Date;
  /** Set when running on the fake. */
  fake: FakeEdenAI | undefined;
  close(): Promise<void>;
}

const DAY = 86_400_000;
/** USD per day of each app's traffic (sandbox calls cost nothing): staging-web-app runs low. */
const DAILY_SPEND: Record<string, number> = {
  'staging-web-app': 0.52,
  'staging-mobile-app': 0.1,
  'prod-web-app': 1.5,
  'prod-mobile-app': 1.1,
  'prod-api-gateway': 2.6,
};

/**
 * `history: n` (fake only): the tutorial's tokens were created n days ago and have served traffic
 * every day since, so reports, alerts and rotations have something to show.
 */
export async function connect(options: { history?: number } = {}): Promise<Connection> {
  const apiKey = process.env['EDENAI_API_KEY'];
  if (apiKey) {
    return {
      clientOptions: { apiKey, maxRequestsPerSecond: 10 }, // Eden allows 10 requests per second
      secrets: new FileSecretStore({ path: '.edenai-tokens/secrets.enc' }), // passphrase: EDENAI_TOKENS_KEY
      state: new FileStateStore({ path: '.edenai-tokens/state.json' }),
      clock: () => new Date(),
      fake: undefined,
      close: async () => {},
    };
  }
  const days = options.history ?? 0;
  let offset = days * DAY; // the fake's clock runs `offset` behind real time while history is made
  const clock = () => new Date(Date.now() - offset);
  const fake = await createFakeEdenAI({ listen: false, clock });
  const secrets = new MemorySecretStore();
  const state = new MemoryStateStore();
  if (days > 0) {
    const registry = new TokenRegistry({
      backend: new CustomTokenClient(fake.clientOptions),
      secrets,
      environments,
      clock,
    });
    await registry.apply(await registry.plan(desired));
    // A first health check sees every budget full: later checks measure balances against it.
    await new AlertSystem({ registry, notifiers: [], state, clock }).run();
    for (let d = 0; d < days; d++, offset -= DAY) {
      for (const t of fake.tokens()) {
        const cost = DAILY_SPEND[t.name] ?? 0;
        fake.simulateUsage({ token: t.name, calls: Math.round(cost * 80) || 25, cost });
      }
    }
    offset = 0;
  }
  return { clientOptions: fake.clientOptions, secrets, state, clock, fake, close: () => fake.close() };
}
