// The packed package on the runtimes backend services use besides Node: a Worker bundled the way
// the platforms bundle (esbuild, neutral platform, nothing external) running in workerd through
// Miniflare without compatibility flags and in Vercel's edge-runtime, and the same scenario under
// Bun and Deno. Runs after `npm run build`; the runtimes come from the npm registry (devDependencies).
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { EdgeRuntime } from 'edge-runtime';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
let dir: string;

const run = (file: string, args: string[], cwd = dir) =>
  execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'etm-runtimes-'));
  run('npm', ['pack', '--pack-destination', dir, '--silent'], root);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', `./${tarball}`]);
  cpSync(join(import.meta.dirname, 'app'), dir, { recursive: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// How Cloudflare's wrangler resolves packages for a Worker; Vercel's edge bundler adds `edge-light`.
const platformBundle: BuildOptions = {
  bundle: true,
  write: false,
  minify: true,
  metafile: true,
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'edge-light', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  logLevel: 'silent',
};

async function bundle(entry: string, options: BuildOptions = {}) {
  const result = await build({
    ...platformBundle,
    format: 'esm',
    absWorkingDir: dir,
    entryPoints: [entry],
    ...options,
  });
  const code = result.outputFiles![0]!.text;
  return { code, metafile: result.metafile!, kb: (gzipSync(code).length / 1024).toFixed(1) };
}

/** Every Node built-in the bundle imports, with how (import-statement, dynamic-import…). */
function nodeImports(metafile: Metafile): string[] {
  return Object.values(metafile.inputs).flatMap((input) =>
    input.imports.filter((i) => i.path.startsWith('node:')).map((i) => `${i.kind} ${i.path}`),
  );
}

// The testing entry's Node-only paths, loaded on demand and never taken by the scenario: the fake's
// listening server and state file, the conformance suites' util.inspect check.
const LAZY_FAKE_IMPORTS = ['dynamic-import node:fs', 'dynamic-import node:http', 'dynamic-import node:util'];

/** What app/scenario.mjs reports when every step passed. */
const passed = {
  steps: [
    'client',
    'registry.create',
    'registry.list',
    'secret.fingerprint',
    'rotate',
    'alerts.run',
    'webhook.sign',
    'webhook.verify',
    'webhook.tampered',
    'close',
  ],
};

describe('the packed package on other runtimes', () => {
  it('bundles a Worker with no Node built-in (root entry) and prints its size', async () => {
    const smallest = await bundle('client-registry.mjs');
    expect(nodeImports(smallest.metafile)).toEqual([]);
    const scenario = await bundle('worker.mjs');
    expect(new Set(nodeImports(scenario.metafile))).toEqual(new Set(LAZY_FAKE_IMPORTS));
    console.log(
      `Worker bundles, min+gz: CustomTokenClient + TokenRegistry ${smallest.kb} KB; the scenario with the in-process fake ${scenario.kb} KB`,
    );
  });

  it('runs the scenario in workerd (Miniflare), without compatibility flags', async () => {
    const { code } = await bundle('worker.mjs');
    // The module given as is: Miniflare would otherwise follow the fake's lazy imports itself.
    const mf = new Miniflare({
      modules: [{ type: 'ESModule', path: 'worker.mjs', contents: code }],
      compatibilityDate: '2026-04-01',
      compatibilityFlags: [],
    });
    try {
      const res = await mf.dispatchFetch('http://worker.local/');
      expect(await res.json()).toEqual(passed);
    } finally {
      await mf.dispose();
    }
  });

  it("runs the scenario in Vercel's edge-runtime", async () => {
    // Edge functions are scripts: the Worker as an IIFE, answering fetch events.
    const { code } = await bundle('worker.mjs', {
      format: 'iife',
      globalName: 'worker',
      footer: { js: 'addEventListener("fetch", (e) => e.respondWith(worker.default.fetch(e.request)));' },
    });
    const runtime = new EdgeRuntime({ initialCode: code });
    const res = await runtime.dispatchFetch('http://edge.local/');
    await res.waitUntil();
    expect(await res.json()).toEqual(passed);
  });

  /** Runs script.mjs from the installed tarball (no bundling) and parses what it prints. */
  function script(file: string, args: string[], env: Record<string, string> = {}): Promise<unknown> {
    return new Promise((done, fail) => {
      execFile(
        file,
        [...args, 'script.mjs'],
        {
          cwd: dir,
          encoding: 'utf8',
          timeout: 120_000,
          env: { PATH: process.env['PATH'], HOME: dir, NO_COLOR: '1', ...env },
        },
        (error, stdout, stderr) =>
          error ? fail(new Error(`${error.message}\n${stderr}`)) : done(JSON.parse(stdout)),
      );
    });
  }

  it('runs the scenario under Node', async () => {
    expect(await script(process.execPath, [])).toEqual({ inProcess: passed, listening: passed });
  });

  it('runs the scenario under Bun', async () => {
    expect(await script(bin('bun'), ['run'])).toEqual({ inProcess: passed, listening: passed });
  });

  it('runs the scenario under Deno, with no permission but 127.0.0.1 (for the listening fake)', async () => {
    const deno = ['run', '--no-prompt', '--allow-net=127.0.0.1'];
    const env = { DENO_DIR: join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1' };
    expect(await script(bin('deno'), deno, env)).toEqual({ inProcess: passed, listening: passed });
  });
});
