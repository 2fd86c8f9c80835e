// AlertSystem.run() over 10,000 tokens (target < 200 ms), beside a baseline that only lists and
// walks the same tokens. Measures a first run (every alert new: deliveries and marks written) and
// a second run (every alert already sent: dedupe hits only), with the memory state store.
// Then exhaustion forecasts: one cost query for the whole fleet (forecastAll) against one per token.

import type { ForecastSource, UsageQuery, UsageRecord } from 'edenai-token-manager';
import { AlertSystem, MemoryStateStore, MemoryUsageSource, UsageMonitor } from 'edenai-token-manager';
import { parseTokenName } from '../src/registry/naming.js';
import { parseEnvironments } from '../src/registry/policy.js';
import type { ManagedToken, RegistryView, TokensByEnvironment } from '../src/registry/types.js';

const TOKENS = 10_000;
const ROUNDS = 5;
const DAY = 86_400_000;
const NOW = new Date('2024-05-15T08:00:00Z');

export function registry(count = TOKENS): RegistryView {
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
  for (let i = 0; i < count; i++) {
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
      budget: environment === 'prod' ? 100 : budgeted ? 100 : null,
      budgetSource: environment === 'prod' ? 'reset-amount' : budgeted ? 'recorded' : null,
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

/** check() with forecasts over `count` tokens and a week of spend each: fleet-wide vs per token. */
async function forecasts(count: number): Promise<void> {
  const view = registry(count);
  const tokens = await view.list();
  const records: UsageRecord[] = [];
  for (const [i, t] of tokens.entries()) {
    for (let d = 8; d <= 14; d++) {
      const cost = 0.25 * (1 + (i % 40));
      records.push({
        token: t.name,
        date: `2024-05-${String(d).padStart(2, '0')}`,
        feature: 'text__chat',
        totalCost: cost,
        calls: 1,
        costPerProvider: {},
      });
    }
  }
  const memory = new MemoryUsageSource(records);
  let queries = 0;
  const source = {
    usage(q: UsageQuery) {
      queries++;
      return memory.usage(q);
    },
  };
  const monitor = new UsageMonitor({ registry: view, source, clock: () => NOW });
  const perToken: ForecastSource = { forecast: (name) => monitor.forecast(name) };
  const sides = { 'forecastAll (UsageMonitor)': monitor, 'forecast() per token': perToken };
  const results: Record<string, { ms: number; queries: number; alerts: number }> = {};
  for (const [label, usage] of Object.entries(sides)) {
    const system = new AlertSystem({ registry: view, usage, notifiers: [], clock: () => NOW });
    queries = 0;
    const t0 = performance.now();
    const found = await system.check();
    results[label] = {
      ms: performance.now() - t0,
      queries,
      alerts: found.filter((a) => a.kind === 'exhaustion-forecast').length,
    };
  }
  const [all, one] = Object.values(results) as [(typeof results)[string], (typeof results)[string]];
  if (all.alerts !== one.alerts) throw new Error(`forecast alerts differ: ${all.alerts} vs ${one.alerts}`);
  console.log(`forecasts over ${count} tokens (${records.length} usage records), check() with usage:`);
  for (const [label, r] of Object.entries(results)) {
    console.log(
      `  ${label.padEnd(28)} ${String(r.queries).padStart(5)} cost queries  ${r.ms.toFixed(0).padStart(6)} ms  ${r.alerts} forecast alerts`,
    );
  }
  console.log(
    `  per token / fleet-wide: ${(one.queries / all.queries).toFixed(0)}× the queries, ${(one.ms / all.ms).toFixed(0)}× the time`,
  );
}

export default async function (): Promise<void> {
  await alertRuns();
  await forecasts(1_000);
}

async function alertRuns(): Promise<void> {
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
