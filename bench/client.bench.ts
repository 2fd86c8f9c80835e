// Request-core overhead: SDK `get` vs raw `fetch` + JSON parse against the fake on loopback, side by
// side in one run; plus the min+gz size of the core ESM bundle (dependencies external).
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { CustomTokenClient } from '../src/client/index.js';
import { createFakeEdenAI } from '../src/testing/fake/index.js';

const CALLS = 5_000;
const ROUNDS = 20;
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
  const fake = await createFakeEdenAI();
  try {
    const client = new CustomTokenClient(fake.clientOptions);
    await client.create({ name: 'bench-token', balance: 50, activeBalance: true });
    const url = `${fake.baseUrl}/user/custom_token/bench-token/`;
    const headers = { authorization: `Bearer ${fake.apiKey}`, accept: 'application/json' };
    const sdk = () => client.get('bench-token');
    const raw = async () => {
      const res = await fetch(url, { headers });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    };
    await measure(WARMUP, sdk);
    await measure(WARMUP, raw);
    // Alternate in short rounds so drift (GC, other processes) hits both sides alike.
    const perRound = CALLS / ROUNDS;
    const sdkRounds: Cost[] = [];
    const rawRounds: Cost[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        sdkRounds.push(await measure(perRound, sdk));
        rawRounds.push(await measure(perRound, raw));
      } else {
        rawRounds.push(await measure(perRound, raw));
        sdkRounds.push(await measure(perRound, sdk));
      }
    }
    const sum = (xs: Cost[], k: keyof Cost) => xs.reduce((s, x) => s + x[k], 0);
    const us = (ms: number) => `${((ms / CALLS) * 1000).toFixed(0)} µs/call`;
    const sdkWall = sum(sdkRounds, 'wall');
    const rawWall = sum(rawRounds, 'wall');
    console.log(`sequential get × ${CALLS} (server in-process on 127.0.0.1):`);
    console.log(`  wall: SDK ${sdkWall.toFixed(0)} ms (${us(sdkWall)}), raw fetch ${rawWall.toFixed(0)} ms (${us(rawWall)})`);
    console.log(
      `  cpu:  SDK ${us(sum(sdkRounds, 'cpu'))}, raw fetch ${us(sum(rawRounds, 'cpu'))} (both include the fake server's work)`,
    );
    const perRoundRatio = median(sdkRounds.map((s, i) => s.wall / rawRounds[i]!.wall));
    console.log(
      `SDK / raw fetch ratio: ${(sdkWall / rawWall).toFixed(3)} (median of ${ROUNDS} rounds ${perRoundRatio.toFixed(3)}; target ≤ 1.1)`,
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
  const root = new URL('..', import.meta.url).pathname;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const all = await gzipped({ entryPoints: [`${root}src/index.ts`] });
  const client = await gzipped({
    stdin: {
      contents: "export * from './src/client/index.ts'; export * from './src/core/index.ts';",
      resolveDir: root,
      loader: 'ts',
    },
  });
  console.log(`core ESM bundle (src/index.ts): ${kb(all.min)} min, ${kb(all.gz)} min+gz (target ≤ 15 KB)`);
  console.log(`  of which src/client + src/core alone: ${kb(client.min)} min, ${kb(client.gz)} min+gz`);
}

export default async function (): Promise<void> {
  await requestOverhead();
  await bundleSize();
}
