// Aggregation of 1,000,000+ usage records (1,000 tokens × 365 days × 3 features) through
// MemoryUsageSource + UsageMonitor.report(), beside a plain summing loop over the same records.
// Targets (DESIGN.md): < 1 s and < 300 MB.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { UsageRecord } from 'edenai-token-manager';
import { MemoryUsageSource, UsageMonitor } from 'edenai-token-manager';
import { parseTokenName } from '../src/registry/naming.js';
import { parseEnvironments } from '../src/registry/policy.js';
import type { ManagedToken, RegistryView } from '../src/registry/types.js';

const TOKENS = 1_000;
const DAYS = 365;
const FEATURES = [
  ['text__chat', 'openai'],
  ['ocr__ocr', 'google'],
  ['audio__text_to_speech', 'elevenlabs'],
] as const;
const ENVS = ['dev', 'staging', 'prod'];
const RANGE = { from: '2024-01-01', to: '2024-12-30' };
const RUNS = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;

function tokenName(i: number): string {
  // A fifth of the tokens are rotated generations, so attribution has work to do.
  const base = `${ENVS[i % 3]}-app-${String(Math.floor(i / 2)).padStart(4, '0')}`;
  return i % 5 === 0 ? `${base}--g2` : base;
}

function generate(): UsageRecord[] {
  const dates = Array.from({ length: DAYS }, (_, d) =>
    new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10),
  );
  const records: UsageRecord[] = [];
  for (let t = 0; t < TOKENS; t++) {
    const token = tokenName(t);
    for (let d = 0; d < DAYS; d++) {
      for (let f = 0; f < FEATURES.length; f++) {
        const [feature, provider] = FEATURES[f]!;
        const totalCost = ((t * 7 + d * 13 + f) % 997) / 10_000;
        records.push({
          token,
          date: dates[d]!,
          feature,
          totalCost,
          calls: 1 + ((t + d + f) % 9),
          costPerProvider: { [provider]: totalCost },
        });
      }
    }
  }
  return records;
}

function registryView(): RegistryView {
  const managed = new Map<string, ManagedToken>();
  for (let t = 0; t < TOKENS; t++) {
    const parsed = parseTokenName(tokenName(t), ENVS)!;
    managed.set(parsed.logicalName, {
      name: parsed.logicalName,
      tokenName: tokenName(t),
      generation: parsed.generation,
      environment: parsed.environment,
      app: parsed.app,
      tokenType: 'api_token',
      balance: 100,
      budget: 100,
      budgetSource: 'recorded',
      activeBalance: true,
      expireTime: null,
      balanceResetPeriod: 'none',
      balanceResetAmount: null,
      secretRef: `edenai/${parsed.logicalName}`,
      generations: [tokenName(t)],
    });
  }
  const list = [...managed.values()];
  return {
    environments: parseEnvironments(Object.fromEntries(ENVS.map((e) => [e, {}]))),
    parseName: (n) => parseTokenName(n, ENVS),
    list: async () => list,
    byEnvironment: async () => ({ unmanaged: [] }) as never,
    get: async (n) => managed.get(parseTokenName(n, ENVS)?.logicalName ?? n)!,
  };
}

interface Measure {
  ms: number;
  heapMB: number;
  rssMB: number;
}

async function measure(fn: () => unknown): Promise<Measure> {
  gc();
  const before = process.memoryUsage();
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  // No GC in between: the heap growth counts what the run kept plus the garbage it left.
  const after = process.memoryUsage();
  return { ms, heapMB: (after.heapUsed - before.heapUsed) / MB, rssMB: (after.rss - before.rss) / MB };
}

const best = (runs: Measure[]) => ({
  ms: Math.min(...runs.map((r) => r.ms)),
  heapMB: Math.max(...runs.map((r) => r.heapMB)),
  rssMB: Math.max(...runs.map((r) => r.rssMB)),
});

export default async function (): Promise<void> {
  const records = generate();
  const source = new MemoryUsageSource();
  const add = await measure(() => source.add(records));
  const monitor = new UsageMonitor({ registry: registryView(), source });
  console.log(
    `records: ${records.length.toLocaleString('en-US')} (${TOKENS} tokens × ${DAYS} days × ${FEATURES.length} features)`,
  );

  let sink = 0;
  const baseline: Measure[] = [];
  const report: Measure[] = [];
  const token: Measure[] = [];
  let totalCost = 0;
  for (let i = 0; i < RUNS; i++) {
    baseline.push(
      await measure(async () => {
        const rs = await source.usage({ begin: RANGE.from, end: RANGE.to });
        let cost = 0;
        let calls = 0;
        for (const r of rs) {
          cost += r.totalCost;
          calls += r.calls;
        }
        sink += cost + calls;
      }),
    );
    report.push(
      await measure(async () => {
        totalCost = (await monitor.report(RANGE)).totalCost;
      }),
    );
    token.push(
      await measure(async () => {
        sink += (await monitor.tokenUsage('prod-app-0001', RANGE)).totalCost;
      }),
    );
  }
  if (!(sink > 0 && totalCost > 0)) throw new Error('nothing was summed');

  const b = best(baseline);
  const r = best(report);
  const t = best(token);
  const row = (label: string, m: Measure) =>
    `${label.padEnd(34)} ${m.ms.toFixed(0).padStart(6)} ms  heap +${m.heapMB.toFixed(0).padStart(4)} MB  rss +${m.rssMB.toFixed(0).padStart(4)} MB`;
  console.log(row('add() (validation, once)', add));
  console.log(row('baseline: query + plain sum loop', b));
  console.log(row('report() (query + attribution)', r));
  console.log(row('tokenUsage() (one of 1,000 tokens)', t));
  console.log(`report / baseline time: ${(r.ms / b.ms).toFixed(2)}×`);
  const mem = Math.max(r.heapMB, r.rssMB);
  console.log(`target: report() < 1000 ms → ${r.ms.toFixed(0)} ms ${r.ms < 1000 ? 'OK' : 'MISSED'}`);
  console.log(`target: report() < 300 MB  → ${mem.toFixed(0)} MB ${mem < 300 ? 'OK' : 'MISSED'}`);
  console.log(
    `peak RSS of the whole bench process (records included): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}
