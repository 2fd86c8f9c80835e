// Shared by the examples: Eden AI when its key is set, else the built-in fake server (in
// memory), optionally with the tutorial's tokens and weeks of traffic behind them, so every
// example shows something real without an account.
// EDENAI_API_VERSION picks the API: v2 (default; custom tokens, key in EDENAI_API_KEY) or v3 (the
// Management API, management key `mgmt-eden-…` in EDENAI_MANAGEMENT_KEY). `backend` and
// `usageSource` follow it; `clientOptions` is v2's.
// In your project, import from 'edenai-token-manager' and 'edenai-token-manager/testing'.
import {
  AlertSystem,
  type ClientOptions,
  ConfigurationError,
  CostClient,
  CustomTokenClient,
  FileSecretStore,
  FileStateStore,
  ManagementKeyBackend,
  ManagementKeyClient,
  type ManagementKeyClientOptions,
  MemorySecretStore,
  MemoryStateStore,
  RateLimiter,
  type SecretStore,
  type StateStore,
  type TokenBackend,
  TokenRegistry,
  type UsageSource,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';

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

export type ApiVersion = 'v2' | 'v3';

export interface Connection {
  /** From EDENAI_API_VERSION (default v2). */
  api: ApiVersion;
  /** The token backend of that API: `CustomTokenClient` (v2) or `ManagementKeyBackend` (v3). */
  backend: TokenBackend;
  /** Where usage comes from: `CostClient` (v2) or the `ManagementKeyClient` itself (v3). */
  usageSource: UsageSource;
  /** v2's client options (`CustomTokenClient`, `CostClient`); prefer `backend` and `usageSource`. */
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

/** EDENAI_API_VERSION: `v2` (default) or `v3`. */
export function apiVersion(env: Record<string, string | undefined> = process.env): ApiVersion {
  const version = env['EDENAI_API_VERSION'] || 'v2';
  if (version === 'v2' || version === 'v3') return version;
  throw new ConfigurationError(`EDENAI_API_VERSION must be v2 or v3, got "${version}"`);
}

/** The backend and usage source of one API, on these options (one rate limiter between them). */
function clients(
  api: ApiVersion,
  v2: ClientOptions,
  v3: ManagementKeyClientOptions,
): Pick<Connection, 'backend' | 'usageSource'> {
  if (api === 'v3') {
    const client = new ManagementKeyClient(v3);
    return { backend: new ManagementKeyBackend(client), usageSource: client };
  }
  return { backend: new CustomTokenClient(v2), usageSource: new CostClient(v2) };
}

/**
 * `history: n` (fake only): the tutorial's tokens were created n days ago and have served traffic
 * every day since, so reports, alerts and rotations have something to show.
 */
export async function connect(options: { history?: number } = {}): Promise<Connection> {
  const api = apiVersion();
  const key = process.env[api === 'v3' ? 'EDENAI_MANAGEMENT_KEY' : 'EDENAI_API_KEY'];
  if (key) {
    // Eden allows 10 requests per second per account: every client shares one pace.
    const rateLimiter = new RateLimiter({ perSecond: 10 });
    const clientOptions: ClientOptions = { apiKey: process.env['EDENAI_API_KEY'], rateLimiter };
    return {
      api,
      ...clients(api, clientOptions, { apiKey: key, rateLimiter }),
      clientOptions,
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
  const { backend, usageSource } = clients(api, fake.clientOptions, fake.managementClientOptions);
  const secrets = new MemorySecretStore();
  const state = new MemoryStateStore();
  if (days > 0) {
    const registry = new TokenRegistry({ backend, secrets, environments, clock });
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
  return {
    api,
    backend,
    usageSource,
    clientOptions: fake.clientOptions,
    secrets,
    state,
    clock,
    fake,
    close: () => fake.close(),
  };
}
