// Request-core overhead: SDK `get` vs raw `fetch` + JSON parse against the fake on loopback, side by
// side in one run; plus the min+gz size of the core ESM bundle (dependencies external).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type * as Client from 'edenai-token-manager';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The client compiled the way the package ships it (esbuild, as tsup does), not through tsx: tsx
 * keeps function names with a `__name` wrapper on every closure, a cost users never pay.
 */
async function shippedClient(): Promise<typeof Client> {
  const dir = join(root, 'node_modules/.cache/edenai-bench'); // beside node_modules, so zod resolves
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'client.mjs');
  await build({
    entryPoints: [join(root, 'src/client/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

const CALLS = 5_000;
const ROUNDS = 100;
const WARMUP = 300;

interface Cost {
  wall: number;
  cpu: number;
}

async function measure(n: number, fn: () => Promise<unknown>): Promise<Cost> {
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const cpu = process.cpuUsage(cpu0);
  return { wall: performance.now() - started, cpu: (cpu.user + cpu.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function requestOverhead(): Promise<void> {
  const { CustomTokenClient } = await shippedClient();
  const fake = await createFakeEdenAI();
  try {
    const client = new CustomTokenClient(fake.clientOptions);
    await client.create({ name: 'bench-token', balance: 50, activeBalance: true });
    const url = `${fake.baseUrl}/user/custom_token/bench-token/`;
    const headers = { authorization: `Bearer ${fake.apiKey}`, accept: 'application/json' };
    const sides: Record<'sdk' | 'raw', () => Promise<unknown>> = {
      sdk: () => client.get('bench-token'),
      raw: async () => {
        const res = await fetch(url, { headers });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return res.json();
      },
    };
    const names = Object.keys(sides) as (keyof typeof sides)[];
    for (const name of names) await measure(WARMUP, sides[name]);
    // Rotate the order in short rounds so drift (GC, other processes) hits every side alike.
    const perRound = CALLS / ROUNDS;
    const rounds: Record<string, Cost[]> = { sdk: [], raw: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(r + i) % names.length]!;
        rounds[name]!.push(await measure(perRound, sides[name]));
      }
    }
    const total = (name: string, k: keyof Cost) => rounds[name]!.reduce((s, x) => s + x[k], 0);
    const us = (ms: number) => `${((ms / CALLS) * 1000).toFixed(0)} µs`;
    console.log(`sequential get × ${CALLS} per side (SDK as built; fake server in-process, 127.0.0.1):`);
    for (const name of names) {
      console.log(
        `  ${name.padEnd(3)} wall ${us(total(name, 'wall'))}/call, cpu ${us(total(name, 'cpu'))}/call`,
      );
    }
    // Each round pairs the two sides a few ms apart; the median of those paired ratios shrugs off
    // a round that a GC pause or another process happened to hit, which the totals do not.
    const medianRatio = median(rounds['sdk']!.map((s, i) => s.wall / rounds['raw']![i]!.wall)).toFixed(3);
    const totalRatio = (total('sdk', 'wall') / total('raw', 'wall')).toFixed(3);
    console.log(
      `SDK / raw fetch: ${medianRatio} (median of ${ROUNDS} paired rounds; target ≤ 1.1); ratio of totals ${totalRatio}`,
    );
  } finally {
    await fake.close();
  }
}

async function gzipped(options: Parameters<typeof build>[0]): Promise<{ min: number; gz: number }> {
  const result = await build({
    ...options,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    write: false,
  });
  const code = result.outputFiles![0]!.contents;
  return { min: code.length, gz: gzipSync(code).length };
}

async function bundleSize(): Promise<void> {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const all = await gzipped({ entryPoints: [`${root}src/index.ts`] });
  // What a user pays who imports only the low-level clients from the root entry: tree shaking
  // through `sideEffects: false` must drop the managers, stores and formatters.
  const client = await gzipped({
    stdin: {
      contents: "export { CustomTokenClient, CostClient } from './src/index.ts';",
      resolveDir: root,
      loader: 'ts',
    },
  });
  console.log(
    `core ESM bundle (request core + CustomTokenClient + CostClient, imported from the root): ${kb(client.min)} min, ${kb(client.gz)} min+gz (target ≤ 15 KB)`,
  );
  console.log(
    `  whole root entry, every manager, store and formatter: ${kb(all.min)} min, ${kb(all.gz)} min+gz`,
  );
}

export default async function (): Promise<void> {
  await requestOverhead();
  await bundleSize();
}
