// CLI cold start: `node cli.js --version` beside `node -e 0` (the bare runtime) and an empty ES
// module (the ESM loader's floor), alternated in one run; wall time and CPU time (CPU is steadier
// on a busy machine), medians. Then the demo's wall time. Bundles the current source first
// (esbuild, as tsup does: ESM, split chunks, dependencies external), never a stale dist/.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
// Inside node_modules so the bundle resolves zod and ky as an installed package does.
const out = join(root, 'node_modules/.cache/edenai-cli-bench');
const RUNS = 15;
const DEMO_RUNS = 3;
const TARGET_MS = 150;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const env = { PATH: process.env['PATH'] };

/** Wall time of one run, and the child's own CPU time reported by a preloaded exit hook. */
function run(args: string[], cpuHook: string): { wall: number; cpu: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', cpuHook, ...args], { env, encoding: 'utf8' });
  const wall = performance.now() - started;
  const cpu = Number(/cpu:([\d.]+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  return { wall, cpu };
}

async function bundle(): Promise<string> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(out, 'package.json')); // --version reads ../package.json
  await build({
    entryPoints: { cli: join(root, 'src/cli/main.ts') },
    outdir: join(out, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return join(out, 'dist/cli.js');
}

export default async function (): Promise<void> {
  const cli = await bundle();
  const cpuHook = join(out, 'cpu-hook.mjs');
  const empty = join(out, 'empty.mjs');
  const hook =
    "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\ncpu:' + (u.user + u.system) / 1000 + '\\n'); });\n";
  writeFileSync(cpuHook, hook);
  writeFileSync(empty, '\n');
  try {
    const sides = {
      'node -e 0': ['-e', '0'],
      'node empty.mjs': [empty],
      'node cli.js --version': [cli, '--version'],
      'node cli.js rotate --help': [cli, 'rotate', '--help'],
    };
    const results = Object.fromEntries(
      Object.keys(sides).map((k) => [k, { wall: [] as number[], cpu: [] as number[] }]),
    );
    for (const args of Object.values(sides)) run(args, cpuHook); // warm the file cache
    for (let i = 0; i < RUNS; i++) {
      for (const [name, args] of Object.entries(sides)) {
        const r = run(args, cpuHook);
        results[name]!.wall.push(r.wall);
        results[name]!.cpu.push(r.cpu);
      }
    }
    const m = (name: string, k: 'wall' | 'cpu') => median(results[name]![k]);
    console.log(`cold start, medians of ${RUNS} alternated runs (wall ms / cpu ms):`);
    for (const name of Object.keys(sides)) {
      console.log(
        `  ${name.padEnd(26)} ${m(name, 'wall').toFixed(0).padStart(5)} / ${m(name, 'cpu').toFixed(0).padStart(4)}`,
      );
    }
    const cold = m('node cli.js --version', 'wall');
    const bare = m('node -e 0', 'wall');
    console.log(
      `  --version / node -e 0: ${(cold / bare).toFixed(2)}× wall, ${(m('node cli.js --version', 'cpu') / m('node -e 0', 'cpu')).toFixed(2)}× cpu;` +
        ` our own cpu over an empty ES module: ${(m('node cli.js --version', 'cpu') - m('node empty.mjs', 'cpu')).toFixed(0)} ms` +
        ` (target < ${TARGET_MS} ms wall: ${cold < TARGET_MS ? 'met' : `missed on this machine, where a bare node start takes ${bare.toFixed(0)} ms`})`,
    );

    const demo: number[] = [];
    for (let i = 0; i < DEMO_RUNS; i++) {
      const started = performance.now();
      execFileSync(process.execPath, [cli, 'demo'], { stdio: 'ignore', env });
      demo.push(performance.now() - started);
    }
    console.log(
      `demo (78 simulated days, 8 tokens, 2 rotations), median of ${DEMO_RUNS}: ${(median(demo) / 1000).toFixed(2)} s` +
        ` = ${(median(demo) / bare).toFixed(1)}× a bare node start`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
