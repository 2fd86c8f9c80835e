// Packs the built tarball, installs it in a temp project and loads it both ways, as a user would.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
let dir: string;

const run = (file: string, args: string[], cwd = dir) =>
  execFileSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'etm-pack-'));
  run('npm', ['pack', '--pack-destination', dir, '--silent'], root);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', `./${tarball}`]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const checks = `
  const ok = typeof m.CustomTokenClient === 'function' && typeof m.Secret === 'function' && typeof m.isEdenAIError === 'function';
  const s = new m.Secret('sk-eden-packcheck-value');
  if (!ok || JSON.stringify({ s }).includes('packcheck')) throw new Error('bad exports');
  const client = new m.CustomTokenClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v2' });
  if (typeof client.list !== 'function' || typeof t.createFakeEdenAI !== 'function') throw new Error('bad client');
  console.log('ok');
`;

describe('packed tarball', () => {
  it('loads with import (ESM)', () => {
    writeFileSync(
      join(dir, 'esm.mjs'),
      `import * as m from 'edenai-token-manager'; import * as t from 'edenai-token-manager/testing';${checks}`,
    );
    expect(run('node', ['esm.mjs']).trim()).toBe('ok');
  });

  it('loads with require (CJS)', () => {
    writeFileSync(
      join(dir, 'cjs.cjs'),
      `const m = require('edenai-token-manager'); const t = require('edenai-token-manager/testing');${checks}`,
    );
    expect(run('node', ['cjs.cjs']).trim()).toBe('ok');
  });

  it('ships only what users need', () => {
    const files = run('npm', ['pack', '--dry-run', '--json'], root);
    const paths = (JSON.parse(files) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/'))).toBe(false);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.cjs');
  });
});
