// The HTTP layer, side by side in one run: our own work on top of ky (SDK ÷ bare ky, loopback), what
// users feel (SDK ÷ raw fetch at 5 ms latency, bare ky beside them), why the latency gap exceeds the
// loopback one (the same calls after an idle sleep), and the min+gz size of a Worker bundle.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
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

/** Loopback: calls per side per round (long enough that one GC pause does not decide a round), and rounds. */
const LOOPBACK_CALLS_PER_ROUND = 200;
const LOOPBACK_ROUNDS = { first: 30, step: 15, max: 150, halfWidth: 0.02 };
const WARMUP = 300;

interface Cost {
  wall: number;
  cpu: number;
  /** TCP connections the server accepted during the round. */
  connections: number;
}

async function measure(n: number, fn: () => Promise<unknown>, connections: () => number): Promise<Cost> {
  const accepted = connections();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const cpu = process.cpuUsage(cpu0);
  return {
    wall: performance.now() - started,
    cpu: (cpu.user + cpu.system) / 1000,
    connections: connections() - accepted,
  };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;

interface Estimate {
  median: number;
  /** 95 % confidence interval of the median (order statistics: no assumption on the spread). */
  low: number;
  high: number;
}

function estimate(xs: number[]): Estimate {
  const s = sorted(xs);
  const n = s.length;
  const spread = 0.98 * Math.sqrt(n); // 1.96 × √n / 2 ranks either side of the middle
  return {
    median: s[Math.floor(n / 2)]!,
    low: s[Math.max(0, Math.floor(n / 2 - spread))]!,
    high: s[Math.min(n - 1, Math.ceil(n / 2 + spread))]!,
  };
}

const showRatio = (e: Estimate) => `${e.median.toFixed(3)} [95% CI ${e.low.toFixed(3)}–${e.high.toFixed(3)}]`;

/**
 * Runs each side in short alternating rounds, so drift (GC, other processes) hits every side alike.
 * Rounds can be added until a ratio is precise enough.
 */
function sideBySide(sides: Record<string, () => Promise<unknown>>, perRound: number, connections = () => 0) {
  const names = Object.keys(sides);
  const results: Record<string, Cost[]> = Object.fromEntries(names.map((n) => [n, []]));
  let rounds = 0;
  const total = (name: string, key: 'wall' | 'cpu' | 'connections') =>
    results[name]!.reduce((sum, cost) => sum + cost[key], 0);
  return {
    get rounds() {
      return rounds;
    },
    async warm(calls: number) {
      for (const name of names) await measure(calls, sides[name]!, connections);
    },
    async run(more: number) {
      for (const end = rounds + more; rounds < end; rounds++) {
        for (let i = 0; i < names.length; i++) {
          const name = names[(rounds + i) % names.length]!;
          results[name]!.push(await measure(perRound, sides[name]!, connections));
        }
      }
    },
    /** Mean µs per call over all rounds. */
    perCallUs: (name: string, key: 'wall' | 'cpu' = 'wall') =>
      (total(name, key) / (rounds * perRound)) * 1000,
    connections: (name: string) => total(name, 'connections'),
    /** Paired rounds run a few ms apart: their median ratio shrugs off a round a GC pause hit. */
    ratio: (a: string, b: string) => estimate(results[a]!.map((x, i) => x.wall / results[b]![i]!.wall)),
  };
}

/** Runs rounds until the `a / b` ratio is known within ±`halfWidth` (95 %), or `max` rounds. */
async function untilPrecise(
  compare: ReturnType<typeof sideBySide>,
  a: string,
  b: string,
  rounds: { first: number; step: number; max: number; halfWidth: number },
): Promise<void> {
  await compare.run(rounds.first);
  const precise = () => {
    const { low, high } = compare.ratio(a, b);
    return (high - low) / 2 <= rounds.halfWidth;
  };
  while (!precise() && compare.rounds < rounds.max) await compare.run(rounds.step);
}

/** Counts the TCP connections a server on `baseUrl`'s port accepts (Node's `net.server.socket` channel). */
function acceptedConnections(baseUrl: string): { count: () => number; stop: () => void } {
  const port = Number(new URL(baseUrl).port);
  let accepted = 0;
  const onSocket = (message: unknown) => {
    if ((message as { socket: Socket }).socket.localPort === port) accepted++;
  };
  subscribe('net.server.socket', onSocket);
  return { count: () => accepted, stop: () => unsubscribe('net.server.socket', onSocket) };
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
    const compare = sideBySide(
      { sdk: () => client.get('bench-token'), ky: () => bare.get('user/custom_token/bench-token/').json() },
      LOOPBACK_CALLS_PER_ROUND,
    );
    await compare.warm(WARMUP);
    await untilPrecise(compare, 'sdk', 'ky', LOOPBACK_ROUNDS);
    const ratio = compare.ratio('sdk', 'ky');
    console.log(
      `loopback, sequential get × ${compare.rounds * LOOPBACK_CALLS_PER_ROUND} per side (${compare.rounds} alternating rounds): SDK ${compare.perCallUs('sdk').toFixed(0)} µs/call, bare ky ${compare.perCallUs('ky').toFixed(0)} µs/call`,
    );
    console.log(
      `  our work: SDK / bare ky = ${showRatio(ratio)} (target ≤ 1.10) ${ratio.median <= 1.1 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await fake.close();
  }
}

const LATENCY_MS = 5;
/** Calls per side per round at latency, and the rounds: more until the ratio is known within ±1 %. */
const LATENCY_CALLS_PER_ROUND = 10;
const LATENCY_ROUNDS = { first: 40, step: 20, max: 160, halfWidth: 0.01 };

/**
 * What users feel: the SDK against raw fetch when every answer takes 5 ms, as real networks do, with
 * bare ky beside them: it is the floor of any client built on ky. Each side's CPU per call and the
 * connections the fake accepted show where the difference goes (CPU, not waiting, not new sockets).
 */
async function atLatency(): Promise<void> {
  const { CustomTokenClient } = await shippedClient();
  const fake = await createFakeEdenAI({ latencyMs: LATENCY_MS });
  const accepted = acceptedConnections(fake.baseUrl);
  try {
    const client = new CustomTokenClient(fake.clientOptions); // pacing off: this measures the HTTP layer
    await client.create({ name: 'bench-token', balance: 50, activeBalance: true });
    const url = `${fake.baseUrl}/user/custom_token/bench-token/`;
    const headers = { authorization: `Bearer ${fake.apiKey}`, accept: 'application/json' };
    const bare = ky.create({ prefixUrl: `${fake.baseUrl}/`, headers, retry: 0 });
    const compare = sideBySide(
      {
        sdk: () => client.get('bench-token'),
        ky: () => bare.get('user/custom_token/bench-token/').json(),
        raw: async () => {
          const res = await fetch(url, { headers });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return res.json();
        },
      },
      LATENCY_CALLS_PER_ROUND,
      accepted.count,
    );
    await compare.warm(20);
    await untilPrecise(compare, 'sdk', 'raw', LATENCY_ROUNDS);
    const calls = compare.rounds * LATENCY_CALLS_PER_ROUND;
    const ms = (name: string, key: 'wall' | 'cpu' = 'wall') =>
      (compare.perCallUs(name, key) / 1000).toFixed(2);
    const ratio = compare.ratio('sdk', 'raw');
    console.log(
      `${LATENCY_MS} ms latency, sequential get × ${calls} per side (${compare.rounds} alternating rounds): SDK ${ms('sdk')} ms/call, bare ky ${ms('ky')}, raw fetch ${ms('raw')}`,
    );
    const beyondRaw = (name: string) =>
      (['wall', 'cpu'] as const)
        .map(
          (key) => `+${((compare.perCallUs(name, key) - compare.perCallUs('raw', key)) / 1000).toFixed(2)}`,
        )
        .join(' / ');
    console.log(
      `  CPU per call (client + in-process fake): SDK ${ms('sdk', 'cpu')} ms, bare ky ${ms('ky', 'cpu')}, raw fetch ${ms('raw', 'cpu')}; beyond raw fetch (ms wall / CPU): SDK ${beyondRaw('sdk')}, bare ky ${beyondRaw('ky')}`,
    );
    console.log(
      `  connections opened during the rounds: SDK ${compare.connections('sdk')}, bare ky ${compare.connections('ky')}, raw fetch ${compare.connections('raw')} (all on the warm keep-alive sockets)`,
    );
    console.log(
      `  what users feel: SDK / raw fetch = ${showRatio(ratio)} (target ≤ 1.02) ${ratio.median <= 1.02 ? 'OK' : 'MISSED'}`,
    );
    console.log(
      `  of which ky: bare ky / raw fetch = ${showRatio(compare.ratio('ky', 'raw'))}; SDK / bare ky = ${showRatio(compare.ratio('sdk', 'ky'))}`,
    );
  } finally {
    accepted.stop();
    await fake.close();
  }
}

/**
 * Why loopback understates the latency figure: the same call (a stub fetch, no network: pure CPU)
 * timed back to back and as the first call after the process slept 5 ms, as it does between calls
 * at latency. Caches and the CPU are cold after a sleep, so each side's per-call work costs several
 * times more, and so does the difference between sides.
 */
async function afterIdle(): Promise<void> {
  const { CustomTokenClient } = await shippedClient();
  const body = JSON.stringify({
    name: 'bench-token',
    token: 'sk-eden-bench-0123456789abcdef0123456789abcdef',
    token_type: 'api_token',
    balance: '50.000000000',
    active_balance: true,
    expire_time: null,
    balance_reset_amount: null,
    balance_reset_period: 'none',
  });
  // Builds the Request a real fetch builds, and answers at once.
  const stub = async (input: RequestInfo | URL, init?: RequestInit) => {
    void new Request(input, init);
    return new Response(body, { headers: { 'content-type': 'application/json' } });
  };
  const baseUrl = 'http://127.0.0.1:9/v2';
  const headers = { authorization: 'Bearer bench-key', accept: 'application/json' };
  const client = new CustomTokenClient({
    apiKey: 'bench-key',
    baseUrl,
    fetch: stub,
    maxRequestsPerSecond: false,
  });
  const bare = ky.create({ prefixUrl: `${baseUrl}/`, headers, retry: 0, fetch: stub });
  const sides: Record<string, () => Promise<unknown>> = {
    sdk: () => client.get('bench-token'),
    ky: () => bare.get('user/custom_token/bench-token/').json(),
    raw: async () => (await stub(`${baseUrl}/user/custom_token/bench-token/`, { headers })).json(),
  };
  const names = Object.keys(sides);
  const hot: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cold: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await measure(WARMUP, sides[name]!, () => 0);
  for (let round = 0; round < 300; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
      cold[name]!.push((await measure(1, sides[name]!, () => 0)).wall * 1000);
      hot[name]!.push(((await measure(5, sides[name]!, () => 0)).wall * 1000) / 5);
    }
  }
  const us = (name: string) => `${median(hot[name]!).toFixed(0)} → ${median(cold[name]!).toFixed(0)} µs`;
  console.log(
    `same get, stub fetch (pure CPU), back to back → first call after ${LATENCY_MS} ms asleep: SDK ${us('sdk')}, bare ky ${us('ky')}, raw fetch ${us('raw')}`,
  );
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
  await afterIdle();
  await bundleSize();
}
