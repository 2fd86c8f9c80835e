// The command's conventions, end to end: help, version, usage errors, exit codes, colours, config.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, root, runCli } from './run-cli.js';

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-cli-basics-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('help and version', { timeout: 120_000 }, () => {
  it('prints the package version', async () => {
    const r = await runCli(['--version'], { cwd });
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('lists every command and the exit codes', async () => {
    const r = await runCli(['--help'], { cwd });
    expect(r.code).toBe(0);
    for (const c of [
      'list',
      'get',
      'create',
      'update',
      'delete',
      'rotate',
      'resume',
      'finalize',
      'health',
      'usage',
      'plan',
      'apply',
      'demo',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
    expect(r.stdout).toMatch(/Exit codes:[\s\S]* 5 {2}environment policy violation/);
    expect(r.stdout).toMatch(/^ {2}--api <v2\|v3> +v2: custom tokens \(default\); v3: the Management API/m);
    expect(r.stdout).toContain('EDENAI_MANAGEMENT_KEY  a management key (mgmt-eden-…), for --api v3');
    expect(r.stdout).not.toMatch(ANSI); // not a terminal: no colour
  });

  it('gives each command its own help with examples', async () => {
    const r = await runCli(['rotate', '--help'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: edenai-tokens rotate [name] [options]');
    expect(r.stdout).toContain('--expiring-within <days>');
    expect(r.stdout).toContain('edenai-tokens rotate --expiring-within 7d --dry-run');
  });

  it('prints help and exits 2 when no command is given', async () => {
    const r = await runCli([], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: edenai-tokens <command>');
  });
});

describe('errors', { timeout: 120_000 }, () => {
  it('reports usage errors on one stderr line with exit code 2', async () => {
    const cases = [
      [['lst'], /Unknown command "lst"/],
      [['list', '--bogus'], /Unknown option '--bogus'/],
      [['get'], /Missing argument <name>/],
      [['--fake', 'create', 'prod', 'web-app', '--budget', 'lots'], /--budget expects an amount/],
      [['--fake', 'update', 'prod-web-app'], /Nothing to update/],
      [['--fake', 'rotate'], /Give a token name, or --expiring-within/],
      [['--fake', 'usage', '--from', '2024-02-30'], /--from expects a date/],
    ] as const;
    const runs = await Promise.all(cases.map(([args]) => runCli([...args], { cwd })));
    for (const [i, [args, message]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain('    at '); // no stack without --debug
    }
  });

  it('writes errors as JSON on stderr with --json, and a stack with --debug', async () => {
    const r = await runCli(['get', '--json'], { cwd });
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'usage', exitCode: 2, message: 'Missing argument <name>' },
    });
    const d = await runCli(['--debug', 'get'], { cwd });
    expect(d.stderr).toContain('    at ');
  });

  it('exits 3 without an API key, naming the variable', async () => {
    const r = await runCli(['list'], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('EDENAI_API_KEY');
  });

  it('exits 3 on an invalid config file and 4 on a missing one', async () => {
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify({ environments: { prod: { budget: { max: -1 } } } }));
    const bad = await runCli(['--config', 'bad.json', '--fake', 'list'], { cwd });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/Invalid policy for environment "prod"/);
    writeFileSync(join(cwd, 'typo.json'), JSON.stringify({ enviroments: {} }));
    const typo = await runCli(['--config', 'typo.json', '--fake', 'list'], { cwd });
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain('enviroments');
    const missing = await runCli(['--config', 'nope.json', '--fake', 'list'], { cwd });
    expect(missing.code).toBe(4);
  });
});

describe('colour', { timeout: 120_000 }, () => {
  it('appears only when forced, and never with NO_COLOR or --no-color', async () => {
    const forced = await runCli(['--help'], { cwd, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI);
    const noColor = await runCli(['--help'], { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(noColor.stdout).not.toMatch(ANSI);
    const flag = await runCli(['--help', '--no-color'], { cwd, env: { FORCE_COLOR: '1' } });
    expect(flag.stdout).not.toMatch(ANSI);
  });
});
