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
  // Node resolves the root entry with the Node-only stores; /node carries them too.
  for (const name of ['FileSecretStore', 'EnvSecretStore', 'FileStateStore']) {
    if (typeof m[name] !== 'function' || m[name] !== n[name]) throw new Error('Node-only store missing: ' + name);
  }
  // Internals stay internal; class names and error codes survive the build.
  if ('errorClassForStatus' in m || 'environmentPolicySchema' in m) throw new Error('internal name exported');
  const nf = new m.NotFoundError('x');
  if (nf.name !== 'NotFoundError' || nf.code !== 'not_found' || m.NotFoundError.name !== 'NotFoundError') {
    throw new Error('error identity lost in the build: ' + nf.name + ' ' + nf.code);
  }
  (async () => {
    const fake = await t.createFakeEdenAI({ listen: false });
    const client = new m.CustomTokenClient(fake.clientOptions);
    await client.get('missing').catch((e) => { if (!(e instanceof m.NotFoundError)) throw new Error('not a NotFoundError'); });
    // An error thrown by the testing entry must be an instance of the root entry's classes: one hierarchy.
    try { fake.inject({ kind: 'bogus' }); throw new Error('inject accepted a bogus fault'); }
    catch (e) { if (!(e instanceof m.InvalidInputError)) throw new Error('two error hierarchies: ' + e); }
    await fake.close();
    console.log('ok');
  })().catch((e) => { console.error(e); process.exit(1); });
`;

describe('packed tarball', () => {
  it('loads with import (ESM)', () => {
    writeFileSync(
      join(dir, 'esm.mjs'),
      `import * as m from 'edenai-token-manager'; import * as n from 'edenai-token-manager/node'; import * as t from 'edenai-token-manager/testing';${checks}`,
    );
    expect(run('node', ['esm.mjs']).trim()).toBe('ok');
  });

  it('loads with require (CJS)', () => {
    writeFileSync(
      join(dir, 'cjs.cjs'),
      `const m = require('edenai-token-manager'); const n = require('edenai-token-manager/node'); const t = require('edenai-token-manager/testing');${checks}`,
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
