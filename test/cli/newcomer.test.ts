// What a newcomer trips over, fixed: `help` as a command, JSON-only output with --json, docs that
// ship with the package, bulk rotation that reads well, names in natural order, one money format,
// colour in the health report, confirmation before `delete`, and the whole cause chain with --debug.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { ANSI, type CliRun, root, runCli } from './run-cli.js';

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-cli-newcomer-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const fake = (...args: string[]) => runCli(['--fake', ...args], { cwd });
const json = <T>(r: CliRun): T => JSON.parse(r.stdout) as T;

class TextSink {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

/** A terminal on stdin that answers once. */
function terminal(answer: string) {
  return {
    isTTY: true,
    async *[Symbol.asyncIterator]() {
      yield answer;
    },
  };
}

describe('help and --json', { timeout: 120_000 }, () => {
  it('has a help command, and points to docs that ship in the package', async () => {
    const [all, one] = await Promise.all([runCli(['help'], { cwd }), runCli(['help', 'rotate'], { cwd })]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Usage: edenai-tokens <command>');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Usage: edenai-tokens rotate [name] [options]');
    const docs = all.stdout.slice(all.stdout.indexOf('Docs:')).split('\n').slice(1, 3);
    for (const path of docs.map((l) => l.trim())) {
      expect(path).toMatch(/docs\/(cli|troubleshooting)\.md$/);
      expect(existsSync(path), path).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toEqual(expect.arrayContaining(['docs/*.md', 'docs/examples']));
  });

  it('prints only JSON with --json, even without a command', async () => {
    const r = await runCli(['--json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'usage', message: /^Missing command/ } });
  });
});

describe('a newcomer session on --fake', { timeout: 180_000 }, () => {
  it('lists names in natural order and money one way', async () => {
    expect((await fake('apply', join(root, 'docs/examples/environments.json'))).code).toBe(0);
    for (const app of ['svc1', 'svc10', 'svc2']) expect((await fake('create', 'dev', app)).code).toBe(0);
    const listed = await fake('list', '--environment', 'dev');
    const names = [...listed.stdout.matchAll(/(dev-\S+)/g)].map((m) => m[1]);
    expect(names).toEqual([
      'dev-mobile-app',
      'dev-svc1',
      'dev-svc2',
      'dev-svc10',
      'dev-testing',
      'dev-web-app',
    ]);
    const asJson = json<{ environments: { dev: { name: string }[] } }>(await fake('list', '--json'));
    expect(asJson.environments.dev.map((t) => t.name).slice(1, 4)).toEqual([
      'dev-svc1',
      'dev-svc2',
      'dev-svc10',
    ]);
    expect((await fake('get', 'prod-api-gateway')).stdout).toMatch(/balance +\$1,000\.00/);
  });

  it('colours the health report like the listing, on a terminal', async () => {
    const r = await runCli(['--fake', 'health'], { cwd, env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(ANSI);
    expect(r.stdout).toContain('\x1b[1mToken Health Report\x1b[22m');
  });

  it('rotates in bulk with the migration steps behind --verbose, in CLI words and readable dates', async () => {
    await fake('create', 'staging', 'batch', '--expires-in', '3d');
    const r = await fake('rotate', '--expiring-within', '7d', '--verbose');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ Rotated staging-batch: staging-batch → staging-batch--g2 (generation 2)');
    expect(r.stdout).toContain('Migration steps:');
    expect(r.stdout).toContain('`edenai-tokens finalize`');
    expect(r.stdout).not.toContain('()');
    expect(r.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(r.stdout).toMatch(/until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(r.stdout).toMatch(
      /\nRotated 1 token\. Old generations keep working until .+: then run `edenai-tokens finalize`\.\n/,
    );
  });

  it('asks before deleting on a terminal, and deletes only on yes', async () => {
    const io = (answer: string) => ({
      stdout: new TextSink(),
      stderr: new TextSink(),
      stdin: terminal(answer),
      env: {},
      cwd,
    });
    const no = io('n\n');
    expect(await run(['--fake', 'delete', 'dev-svc10'], no)).toBe(2);
    expect(no.stderr.text).toContain(
      'Revoke dev-svc10 (dev-svc10) and its secret entry edenai/dev-svc10? [y/N] ',
    );
    expect(no.stderr.text).toContain('Not deleted: dev-svc10 was not confirmed');
    expect((await fake('get', 'dev-svc10')).code).toBe(0);
    const yes = io('yes\n');
    expect(await run(['--fake', 'delete', 'dev-svc10'], yes)).toBe(0);
    expect(yes.stdout.text).toContain(
      '✓ Deleted dev-svc10 (dev-svc10) and its secret entry edenai/dev-svc10',
    );
    expect((await fake('get', 'dev-svc10')).code).toBe(4);
  });

  it('shows every cause with --debug', async () => {
    writeFileSync(
      join(cwd, 'policy.json'),
      JSON.stringify({ environments: { prod: { budget: { max: -1 } } } }),
    );
    const r = await fake('--config', 'policy.json', 'list', '--debug');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ConfigurationError: policy\.json:1:18: Invalid policy/m);
    expect(r.stderr).toMatch(/^cause: ConfigurationError: Invalid policy for environment "prod"/m);
  });
});
