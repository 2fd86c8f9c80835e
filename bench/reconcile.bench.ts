// reconcile() over 1,000 managed tokens with nothing to do, on v2 and on the v3 Management API:
// the requests one pass sends (target: v2 ≤ 3 — one list and one cost query; v3 the list pages,
// one per 100 keys, and one cost query) and its duration (target < 1 s). Store reads are not
// requests. Runs on the in-process fake, so the time is our own work, not the network's.
import { performance } from 'node:perf_hooks';
import {
  AlertSystem,
  CallbackNotifier,
  CostClient,
  CustomTokenClient,
  type DesiredState,
  FleetMetrics,
  ListCacheBackend,
  ManagementKeyBackend,
  ManagementKeyClient,
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  reconcile,
  type TokenBackend,
  TokenRegistry,
  UsageMonitor,
  type UsageSource,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI, type FakeState } from 'edenai-token-manager/testing';

const TOKENS = 1_000;
const NOW = new Date('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
const ENVIRONMENTS = {
  dev: { tokenType: 'sandbox_api_token' as const },
  prod: { budget: { default: 500, max: 2000 }, expiry: { defaultDays: 90 } },
};

function fleetState(): { state: FakeState; desired: DesiredState } {
  const desired: DesiredState = { prod: {}, dev: {} };
  const tokens: FakeState['tokens'] = [];
  for (let i = 0; i < TOKENS; i++) {
    const env = i % 4 === 0 ? 'dev' : 'prod';
    const app = `app-${i}`;
    desired[env]![app] = {};
    tokens.push({
      name: `${env}-${app}`,
      value: `sk-eden-fake-${i.toString(16).padStart(8, '0')}`,
      tokenType: env === 'dev' ? 'sandbox_api_token' : 'api_token',
      balance: env === 'dev' ? null : '400',
      activeBalance: env !== 'dev',
      expireTime: new Date(NOW.getTime() + 60 * DAY).toISOString(),
      balanceResetPeriod: 'none',
      balanceResetAmount: null,
      resetPeriodKey: null,
    });
  }
  return { state: { version: 1, credits: '100000', tokens, usage: [] }, desired };
}

async function pass(api: 'v2' | 'v3'): Promise<{ requests: string[]; ms: number }> {
  const clock = () => NOW;
  const fake: FakeEdenAI = await createFakeEdenAI({ listen: false, clock });
  const { state, desired } = fleetState();
  fake.importState(state);
  let backend: TokenBackend;
  let source: UsageSource;
  if (api === 'v2') {
    backend = new CustomTokenClient({ ...fake.clientOptions, clock });
    source = new CostClient({ ...fake.clientOptions, clock });
  } else {
    const client = new ManagementKeyClient({ ...fake.managementClientOptions, clock });
    backend = new ManagementKeyBackend({ client, clock });
    source = client;
  }
  const registry = new TokenRegistry({
    backend: new ListCacheBackend(backend),
    secrets: new MemorySecretStore(),
    environments: ENVIRONMENTS,
    clock,
  });
  const stateStore = new MemoryStateStore();
  const rotation = new RotationManager({ registry, state: stateStore, clock });
  const alerts = new AlertSystem({
    registry,
    usage: new UsageMonitor({ registry, source, clock }),
    rotations: rotation,
    notifiers: [new CallbackNotifier(async () => {})],
    state: stateStore,
    clock,
  });
  const options = {
    registry,
    rotation,
    alerts,
    desired,
    rotateWithinDays: 7,
    metrics: new FleetMetrics({ clock }),
  };
  // A first pass sends the alerts the fleet has (none expected) and warms the process up.
  await reconcile(options);
  fake.resetRequestLog();
  const started = performance.now();
  const summary = await reconcile(options);
  const ms = performance.now() - started;
  if (summary.changed || summary.failures.length > 0) throw new Error(`${api}: the pass did some work`);
  const requests = fake.requests.map((r) => `${r.method} ${r.path}`);
  await fake.close();
  return { requests, ms };
}

export default async function main(): Promise<void> {
  for (const api of ['v2', 'v3'] as const) {
    const { requests, ms } = await pass(api);
    const lists = requests.filter((r) => !/usage|cost_management/.test(r)).length;
    const costs = requests.length - lists;
    const target = api === 'v2' ? requests.length <= 3 : lists <= Math.ceil(TOKENS / 100) && costs <= 1;
    console.log(
      `${api}: reconcile over ${TOKENS} tokens, nothing to do: ${requests.length} requests ` +
        `(${lists} list, ${costs} cost), ${ms.toFixed(0)} ms ${target && ms < 1000 ? '✓' : '✗ (target: v2 ≤ 3 requests, v3 list pages + 1 cost query, < 1 s)'}`,
    );
    for (const r of new Set(requests)) console.log(`    ${r}  ×${requests.filter((x) => x === r).length}`);
  }
}
