// The HTTP layer, side by side in one run: our own work on top of ky (SDK ÷ bare ky, loopback), what
// users feel (SDK ÷ raw fetch at 5 ms latency), and the min+gz size of a Worker bundle.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type * as Client from 'edenai-token-manager';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { build } from 'esbuild';
import ky from 'ky';

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
    entryPoints: [join(root, 'src/index.ts')],
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

/** Runs each side in short alternating rounds, so drift (GC, other processes) hits every side alike. */
async function sideBySide(
  sides: Record<string, () => Promise<unknown>>,
  calls: number,
  rounds: number,
  warmup: number,
): Promise<{ perCallUs: Record<string, number>; medianRatio: (a: string, b: string) => number }> {
  const names = Object.keys(sides);
  for (const name of names) await measure(warmup, sides[name]!);
  const perRound = calls / rounds;
  const results: Record<string, Cost[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length]!;
      results[name]!.push(await measure(perRound, sides[name]!));
    }
  }
  const perCallUs = Object.fromEntries(
    names.map((n) => [n, (results[n]!.reduce((s, x) => s + x.wall, 0) / calls) * 1000]),
  );
  // Paired rounds run a few ms apart: their median ratio shrugs off a round a GC pause hit.
  const medianRatio = (a: string, b: string) =>
    median(results[a]!.map((x, i) => x.wall / results[b]![i]!.wall));
  return { perCallUs, medianRatio };
}

/** Our own work per call: the SDK's `get` against the same request through a bare ky instance. */
async function overKy(): Promise<void> {
  const { CustomTokenClient } = await shippedClient();
  const fake = await createFakeEdenAI();
  try {
    const client = new CustomTokenClient(fake.clientOptions); // pacing off: this measures the HTTP layer
    await client.create({ name: 'bench-token', balance: 50, activeBalance: true });
    const bare = ky.create({
      prefixUrl: `${fake.baseUrl}/`,
      headers: { authorization: `Bearer ${fake.apiKey}`, accept: 'application/json' },
      retry: 0,
    });
    const { perCallUs, medianRatio } = await sideBySide(
      { sdk: () => client.get('bench-token'), ky: () => bare.get('user/custom_token/bench-token/').json() },
      CALLS,
      ROUNDS,
      WARMUP,
    );
    const ratio = medianRatio('sdk', 'ky');
    console.log(
      `loopback, sequential get × ${CALLS} per side: SDK ${perCallUs['sdk']!.toFixed(0)} µs/call, bare ky ${perCallUs['ky']!.toFixed(0)} µs/call`,
    );
    console.log(
      `  our work: SDK / bare ky = ${ratio.toFixed(3)} (target ≤ 1.10) ${ratio <= 1.1 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await fake.close();
  }
}

/** What users feel: the SDK against raw fetch when every answer takes 5 ms, as real networks do. */
async function atLatency(): Promise<void> {
  const { CustomTokenClient } = await shippedClient();
  const fake = await createFakeEdenAI({ latencyMs: 5 });
  try {
    const client = new CustomTokenClient(fake.clientOptions);
    await client.create({ name: 'bench-token', balance: 50, activeBalance: true });
    const url = `${fake.baseUrl}/user/custom_token/bench-token/`;
    const headers = { authorization: `Bearer ${fake.apiKey}`, accept: 'application/json' };
    const { perCallUs, medianRatio } = await sideBySide(
      {
        sdk: () => client.get('bench-token'),
        raw: async () => {
          const res = await fetch(url, { headers });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return res.json();
        },
      },
      600,
      30,
      20,
    );
    const ratio = medianRatio('sdk', 'raw');
    console.log(
      `5 ms latency, sequential get × 600 per side: SDK ${(perCallUs['sdk']! / 1000).toFixed(2)} ms/call, raw fetch ${(perCallUs['raw']! / 1000).toFixed(2)} ms/call`,
    );
    console.log(
      `  what users feel: SDK / raw fetch = ${ratio.toFixed(3)} (target ≤ 1.02) ${ratio <= 1.02 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await fake.close();
  }
}

/** Minified and gzipped size of `contents` bundled as a Worker platform does: everything inside. */
async function workerSize(contents: string): Promise<{ min: number; gz: number }> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['worker', 'import'],
    // Node built-ins still reached by the root entry are left out of the count (and named).
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles![0]!.contents;
  return { min: code.length, gz: gzipSync(code).length };
}

async function bundleSize(): Promise<void> {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const worker = await workerSize(
    "export { CustomTokenClient, TokenRegistry, MemorySecretStore } from './src/index.ts';",
  );
  console.log(
    `Worker importing CustomTokenClient + TokenRegistry, dependencies included (zod, ky…): ${kb(worker.min)} min, ${kb(worker.gz)} min+gz (target ≤ 55 KB) ${worker.gz <= 55 * 1024 ? 'OK' : 'MISSED'}`,
  );
}

export default async function (): Promise<void> {
  await overKy();
  await atLatency();
  await bundleSize();
}
