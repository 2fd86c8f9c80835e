// CLI cold start (`node dist/cli.js --version` beside `node -e 0`, alternated, medians) and the
// demo's wall time. Bundles the current source first (esbuild, as tsup does: ESM, split chunks,
// dependencies external) so the numbers never come from a stale dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
// Inside node_modules so the bundle resolves zod and ky like an installed package does.
const out = join(root, 'node_modules/.cache/edenai-cli-bench');
const RUNS = 11;
const DEMO_RUNS = 3;
const TARGET_MS = 150;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore', env: { PATH: process.env['PATH'] } });
  return performance.now() - started;
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
  try {
    time(['-e', '0']); // warm the file cache for both sides
    time([cli, '--version']);
    const base: number[] = [];
    const cold: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      base.push(time(['-e', '0']));
      cold.push(time([cli, '--version']));
    }
    const [b, c] = [median(base), median(cold)];
    console.log(
      `cold start, median of ${RUNS}: node cli.js --version ${c.toFixed(0)} ms, node -e 0 ${b.toFixed(0)} ms` +
        ` → ${(c / b).toFixed(2)}× the bare runtime, ${(c - b).toFixed(0)} ms of our own` +
        ` (target < ${TARGET_MS} ms: ${c < TARGET_MS ? 'met' : 'MISSED'})`,
    );
    const help: number[] = [];
    for (let i = 0; i < RUNS; i++) help.push(time([cli, 'rotate', '--help']));
    console.log(`help of a command, median of ${RUNS}: ${median(help).toFixed(0)} ms (loads no command code)`);

    const demo: number[] = [];
    for (let i = 0; i < DEMO_RUNS; i++) demo.push(time([cli, 'demo']));
    console.log(
      `demo (78 simulated days, 8 tokens, 2 rotations), median of ${DEMO_RUNS}: ${(median(demo) / 1000).toFixed(2)} s` +
        ` → ${(median(demo) / b).toFixed(0)}× a bare node start`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
