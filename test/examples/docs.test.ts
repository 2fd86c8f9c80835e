// The code blocks of README.md and docs/ that are meant to run, run. A block is marked by its info
// string: ```ts run (a script, run verbatim on the built-in fake through doc-harness.ts),
// ```ts run=<group> (the page's blocks of that group, joined in order: one script told in steps),
// ```ts secret-store (its exported classes must pass secretStoreConformance). Other blocks are
// fragments that illustrate; they are not run.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { SecretStore } from 'edenai-token-manager';
import { secretStoreConformance } from 'edenai-token-manager/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/cli/config.js';
import { FAKE_VALUE, runCli } from '../cli/run-cli.js';

const root = join(import.meta.dirname, '../..');
const tsx = `file://${join(root, 'node_modules/tsx/dist/loader.mjs')}`;
const harness = join(root, 'test/examples/doc-harness.ts');
const dir = mkdtempSync(join(tmpdir(), 'etm-doc-blocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Block {
  page: string;
  line: number;
  kind: string;
  code: string;
}

/** Every marked block of a markdown page, in order; `kind` is `<language> <mark>`. */
function blocks(page: string): Block[] {
  const found: Block[] = [];
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|bash|json) (\S+)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    const kind = open[1] === 'ts' ? open[2]! : `${open[1]} ${open[2]}`;
    found.push({ page, line: i + 1, kind, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const all = pages.flatMap(blocks);

/** Scripts: each `run` block alone, each `run=<group>` group joined. */
function scripts(): { name: string; code: string }[] {
  const out: { name: string; code: string }[] = [];
  const groups = new Map<string, { name: string; code: string }>();
  for (const b of all) {
    if (b.kind === 'run') out.push({ name: `${b.page}:${b.line}`, code: b.code });
    const group = /^run=(.+)$/.exec(b.kind)?.[1];
    if (!group) continue;
    const key = `${b.page}#${group}`;
    const g = groups.get(key) ?? { name: `${b.page} (${group}, from line ${b.line})`, code: '' };
    g.code += `${b.code}\n`;
    groups.set(key, g);
    if (!out.includes(g)) out.push(g);
  }
  return out;
}

function runScript(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env['PATH'], HOME: process.env['HOME'] };
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', tsx, '--import', harness, file],
      { cwd: root, env, timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe('docs code blocks', { timeout: 120_000 }, () => {
  it('marks a runnable block on every page that shows a program', () => {
    const marked = new Set(all.filter((b) => b.kind.startsWith('run')).map((b) => b.page));
    for (const page of ['README.md', 'docs/getting-started.md', 'docs/http-client.md']) {
      expect(marked, page).toContain(page);
    }
    expect(all.filter((b) => b.kind === 'bash run').map((b) => b.page)).toEqual([
      'docs/cli.md',
      'docs/getting-started.md',
    ]);
    expect(all.filter((b) => b.kind === 'secret-store').map((b) => b.page)).toEqual([
      'docs/secret-store-adapters.md',
    ]);
  });

  it.concurrent.each(scripts())('$name runs on the fake', async ({ name, code }) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.mts`);
    writeFileSync(file, code);
    const r = await runScript(file);
    expect(r.code, `${name}\n${r.stderr}`).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(FAKE_VALUE); // no value printed, ever
  });
});

describe('docs command lines', { timeout: 120_000 }, () => {
  it.each(all.filter((b) => b.kind === 'bash run'))('$page:$line runs on --fake', async ({ code }) => {
    const cwd = mkdtempSync(join(dir, 'cli-'));
    cpSync(join(root, 'docs/examples'), join(cwd, 'docs/examples'), { recursive: true });
    const commands = code
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter((l) => /^(npx )?edenai-tokens /.test(l));
    expect(commands.length).toBeGreaterThan(0);
    for (const line of commands) {
      const args = line.replace(/^(npx )?edenai-tokens /, '').split(/\s+/);
      expect(args, line).toContain('--fake'); // never the real API from a test
      const r = await runCli(args, { cwd });
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(FAKE_VALUE);
    }
  });

  it.each(all.filter((b) => b.kind === 'json config'))('$page:$line is a valid config', ({ code }) => {
    expect(() => resolveConfig(JSON.parse(code), join(dir, 'config.json'), dir)).not.toThrow();
  });
});

// A store class shown in the docs passes the suite the page tells readers to run.
for (const block of all.filter((b) => b.kind === 'secret-store')) {
  const file = join(dir, `${relative(root, block.page).replace(/\W+/g, '-')}-${block.line}.mts`);
  writeFileSync(file, block.code);
  const classes = Object.entries((await import(file)) as Record<string, unknown>).filter(
    (e): e is [string, new () => SecretStore] => typeof e[1] === 'function',
  );
  for (const [name, Store] of classes) {
    secretStoreConformance({
      name: `${name} (${block.page}:${block.line})`,
      create: () => new Store(),
      describe,
      it,
    });
  }
}
