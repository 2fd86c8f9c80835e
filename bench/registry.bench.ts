// TokenRegistry over 10,000 tokens: byEnvironment() and plan() beside the raw backend.list() they
// build on, measured side by side in one run (time as a ratio to list(), heap retained per call).
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DesiredState } from 'edenai-token-manager';
import { MemorySecretStore, TokenRegistry } from 'edenai-token-manager';
import { MemoryBackend } from '../test/helpers/memory-backend.js';

const TOKENS = 10_000;
const RUNS = 25;
const ENVIRONMENTS = {
  dev: { tokenType: 'sandbox_api_token' as const },
  staging: { budget: { default: 50, max: 100 }, expiry: { defaultDays: 90 } },
  prod: {
    budget: { default: 500, max: 2000, resetPeriod: 'monthly' as const },
    expiry: { required: true, defaultDays: 90, maxDays: 180 },
  },
  'prod-eu': { budget: { default: 100, max: 1000 }, expiry: { defaultDays: 30 } },
};
const ENV_NAMES = Object.keys(ENVIRONMENTS) as (keyof typeof ENVIRONMENTS)[];

function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function world() {
  const backend = new MemoryBackend({ values: 'never' });
  const secrets = new MemorySecretStore();
  const now = new Date('2026-01-15T12:00:00Z');
  const desired: DesiredState = { staging: {} };
  for (let i = 0; i < TOKENS; i++) {
    if (i % 100 === 99) {
      backend.seed({ name: `legacy-key-${i}` }); // 1 % unmanaged
      continue;
    }
    const env = ENV_NAMES[i % ENV_NAMES.length]!;
    const app = `app-${i}`;
    const name = `${env}-${app}`;
    const budgeted = env !== 'dev';
    backend.seed({
      name,
      tokenType: env === 'dev' ? 'sandbox_api_token' : 'api_token',
      balance: budgeted ? 40 : null,
      activeBalance: budgeted,
      expireTime: new Date(now.getTime() + 30 * 86_400_000),
      balanceResetPeriod: env === 'prod' ? 'monthly' : 'none',
      balanceResetAmount: env === 'prod' ? 500 : null,
    });
    if (i % 50 === 0) {
      // 2 % are mid-rotation: two live generations, the entry naming the new one.
      backend.seed({ name: `${name}--g2`, tokenType: 'api_token', balance: 10, activeBalance: true });
      await secrets.set(`edenai/${name}`, `value-${i}`, {
        metadata: { tokenName: `${name}--g2`, generation: 2 },
      });
    }
    // Desired: most match, some drift, 1 in 20 are gone (prune deletes), plus a few new apps.
    if (i % 20 === 0) continue;
    desired[env] ??= {};
    desired[env][app] = env === 'dev' ? {} : { budget: i % 7 === 0 ? 60 : env === 'prod' ? 500 : 40 };
  }
  for (let i = 0; i < 100; i++) desired['staging']![`new-${i}`] = { budget: 20 };
  const registry = new TokenRegistry({ backend, secrets, environments: ENVIRONMENTS, clock: () => now });
  return { backend, registry, desired };
}

const sink: unknown[] = [];

async function measure(gc: () => void, run: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await run(); // warm up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  // Let settled promises drop their results before collecting, or old results still count.
  await new Promise((r) => setImmediate(r));
  gc();
  const before = process.memoryUsage().heapUsed;
  sink.push(await run()); // kept alive: the delta is what one result holds
  gc();
  const heap = process.memoryUsage().heapUsed - before;
  sink.length = 0;
  return { ms: times[Math.floor(times.length / 2)]!, heap };
}

export default async function (): Promise<void> {
  const gc = getGc();
  const { backend, registry, desired } = await world();
  const plan = await registry.plan(desired, { prune: true });
  const count = (type: string) => plan.actions.filter((a) => a.type === type).length;
  console.log(
    `${TOKENS} tokens, ${ENV_NAMES.length} environments; plan: ${count('create')} create, ${count('update')} update, ${count('delete')} delete`,
  );

  const list = await measure(gc, () => backend.list());
  // What any HTTP client pays at least for the same list: parsing its JSON body.
  const body = JSON.stringify(await backend.list());
  const rows = [
    ['backend.list() (baseline)', list],
    ['JSON.parse(list body)', await measure(gc, async () => JSON.parse(body))],
    ['byEnvironment()', await measure(gc, () => registry.byEnvironment())],
    ['plan(desired, { prune })', await measure(gc, () => registry.plan(desired, { prune: true }))],
  ] as const;
  const mb = (b: number) => `${(b / 1_048_576).toFixed(2)} MB`;
  for (const [label, r] of rows) {
    console.log(
      `${label.padEnd(28)} ${r.ms.toFixed(2).padStart(7)} ms  ${(r.ms / list.ms).toFixed(2).padStart(5)}× list   heap kept ${mb(r.heap).padStart(9)}  (${(r.heap / list.heap).toFixed(2)}× list)`,
    );
  }
}
