// AlertSystem.run() over 10,000 tokens (target < 200 ms), beside a baseline that only lists and
// walks the same tokens. Measures a first run (every alert new: deliveries and marks written) and
// a second run (every alert already sent: dedupe hits only), with the memory state store.
import { AlertSystem } from '../src/alerts/alert-system.js';
import { parseTokenName } from '../src/registry/naming.js';
import { parseEnvironments } from '../src/registry/policy.js';
import type { ManagedToken, RegistryView, TokensByEnvironment } from '../src/registry/types.js';
import { MemoryStateStore } from '../src/state/memory.js';

const TOKENS = 10_000;
const ROUNDS = 5;
const DAY = 86_400_000;
const NOW = new Date('2024-05-15T08:00:00Z');

export function registry(): RegistryView {
  const environments = parseEnvironments({
    dev: { tokenType: 'sandbox_api_token' },
    staging: { budget: { max: 500 } },
    prod: { budget: { max: 2000, resetPeriod: 'monthly' }, expiry: { required: true } },
  });
  const names = Object.keys(environments);
  const grouped: Record<string, ManagedToken[]> = { dev: [], staging: [], prod: [] };
  let seed = 42;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < TOKENS; i++) {
    const environment = names[i % 3]!;
    const name = `${environment}-app${i}`;
    const budgeted = environment !== 'dev';
    grouped[environment]!.push({
      name,
      tokenName: name,
      generation: 1,
      environment,
      app: `app${i}`,
      tokenType: environment === 'dev' ? 'sandbox_api_token' : 'api_token',
      balance: budgeted ? Math.round(rand() * 10_000) / 100 : null,
      activeBalance: budgeted,
      expireTime: rand() < 0.9 ? new Date(NOW.getTime() + rand() * 120 * DAY) : null,
      balanceResetPeriod: environment === 'prod' ? 'monthly' : 'none',
      balanceResetAmount: environment === 'prod' ? 100 : null,
      secretRef: `edenai/${name}`,
      generations: [name],
    });
  }
  const all = Object.values(grouped).flat();
  return {
    environments,
    parseName: (n) => parseTokenName(n, names),
    list: async () => all,
    byEnvironment: async () => ({ ...grouped, unmanaged: [] }) as TokensByEnvironment,
    get: async (n) => all.find((t) => t.name === n)!,
  };
}

function heapMB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

type Sample = { wall: number; cpu: number };

/** Wall time, and this process's CPU time (less sensitive to other processes on a busy machine). */
async function time(fn: () => Promise<unknown>): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medians = (xs: Sample[]): Sample => ({
  wall: median(xs.map((x) => x.wall)),
  cpu: median(xs.map((x) => x.cpu)),
});

export default async function (): Promise<void> {
  const view = registry();
  let delivered = 0;
  const noop = {
    name: 'noop',
    notify: async (alerts: unknown[]) => {
      delivered += alerts.length;
    },
  };
  const make = () =>
    new AlertSystem({ registry: view, notifiers: [noop], state: new MemoryStateStore(), clock: () => NOW });

  // Baseline: list the tokens and walk them once (what any checker must at least do).
  const baseline = async () => {
    const g = await view.byEnvironment();
    let n = 0;
    for (const env of Object.keys(view.environments))
      for (const t of g[env] ?? [])
        if (t.expireTime && t.expireTime.getTime() - NOW.getTime() < 14 * DAY) n++;
    return n;
  };

  await make().run(); // warm-up (JIT)
  const samples = {
    base: [] as Sample[],
    check: [] as Sample[],
    first: [] as Sample[],
    second: [] as Sample[],
  };
  let heapFirst = 0;
  let alerts = 0;
  for (let r = 0; r < ROUNDS; r++) {
    samples.base.push(await time(baseline));
    const system = make();
    samples.check.push(await time(() => system.check()));
    const h0 = heapMB();
    delivered = 0;
    samples.first.push(
      await time(async () => {
        alerts = (await system.run()).alerts.length;
      }),
    );
    heapFirst = heapMB() - h0;
    if (delivered !== alerts) throw new Error(`first run delivered ${delivered} of ${alerts}`);
    delivered = 0;
    samples.second.push(await time(() => system.run()));
    if (delivered !== 0) throw new Error(`second run re-sent ${delivered} alerts`);
  }
  const b = medians(samples.base);
  const line = (label: string, xs: Sample[], target?: number) => {
    const m = medians(xs);
    const verdict =
      target === undefined ? '' : `  target < ${target} ms: ${m.wall < target ? 'OK' : 'MISSED'}`;
    return `${label.padEnd(34)} wall ${m.wall.toFixed(1).padStart(6)} ms  cpu ${m.cpu.toFixed(1).padStart(6)} ms  ${(m.wall / b.wall).toFixed(0).padStart(4)}× baseline${verdict}`;
  };
  console.log(`tokens: ${TOKENS}, alerts per run: ${alerts}, rounds: ${ROUNDS} (medians)`);
  console.log(line('baseline (list + walk tokens)', samples.base));
  console.log(line('check() (evaluate only, no state)', samples.check));
  console.log(line('run() first (all new, marks written)', samples.first, 200));
  console.log(line('run() second (all dedupe hits)', samples.second, 200));
  console.log(`second / first: ${(medians(samples.second).wall / medians(samples.first).wall).toFixed(2)}`);
  const gc = (globalThis as { gc?: unknown }).gc ? '' : ' (approximate: run node with --expose-gc)';
  console.log(`heap retained by a first run (marks + report): ${heapFirst.toFixed(1)} MB${gc}`);
}
