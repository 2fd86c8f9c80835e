// In-process checks of the pieces a spawned process cannot show: the terminal progress bar, colour
// rules, value parsing, error classification and config validation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhook } from 'edenai-token-manager';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { resolveConfig } from '../../src/cli/config.js';
import { classifyError, cliWording, ExitCode, exitCodeHelp } from '../../src/cli/errors.js';
import { table } from '../../src/cli/format.js';
import { createProgress, createStyle, shouldColor, stripAnsi } from '../../src/cli/output.js';
import { run } from '../../src/cli/run.js';
import { closest, parseDays, parseDurationMs, parseMoney } from '../../src/cli/values.js';
import * as errors from '../../src/core/errors.js';
import { formatDateTime, formatPercent, formatUsd } from '../../src/core/format.js';
import { ANSI, root } from './run-cli.js';

class TextSink {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-cli-units-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('progress', () => {
  it('redraws one bar in place on a terminal, prints one line per item otherwise', () => {
    const tty = new TextSink(true);
    const bar = createProgress({
      label: 'Rotating',
      interactive: true,
      width: 80,
      style: createStyle(false),
      write: (s) => tty.write(s),
    });
    bar.update({ done: 1, total: 2, name: 'prod-web-app', ok: true });
    bar.update({ done: 2, total: 2, name: 'prod-api-gateway', ok: true });
    bar.finish();
    expect(tty.text).toBe(
      `\r\x1b[2KRotating ${'█'.repeat(12)}${'░'.repeat(12)} 1/2 prod-web-app\r\x1b[2KRotating ${'█'.repeat(24)} 2/2 prod-api-gateway\n`,
    );
    const plain = new TextSink();
    const lines = createProgress({
      label: 'Rotating',
      interactive: false,
      width: 80,
      style: createStyle(false),
      write: (s) => plain.write(s),
    });
    lines.update({ done: 1, total: 2, name: 'a', ok: true });
    lines.update({ done: 2, total: 2, name: 'b', ok: false });
    lines.finish();
    expect(plain.text).toBe('  ✓ a (1/2)\n  ✗ b (2/2)\n');
  });

  it('draws the bar when `apply` runs with stderr on a terminal', async () => {
    const stdout = new TextSink();
    const stderr = new TextSink(true);
    const code = await run(['--fake', 'apply', join(root, 'docs/examples/environments.json')], {
      stdout,
      stderr,
      env: {},
      cwd,
    });
    expect(code).toBe(0);
    expect(stderr.text).toContain(`\r\x1b[2KApplying ${'█'.repeat(24)} 8/8`);
    expect(stdout.text).not.toMatch(ANSI); // stdout is not a terminal: no colour there
  });
});

describe('colour rules', () => {
  it('follows the terminal, NO_COLOR, --no-color and FORCE_COLOR', () => {
    expect(shouldColor({ isTTY: true, env: {}, noColorFlag: false })).toBe(true);
    expect(shouldColor({ isTTY: false, env: {}, noColorFlag: false })).toBe(false);
    expect(shouldColor({ isTTY: true, env: { NO_COLOR: '1' }, noColorFlag: false })).toBe(false);
    expect(shouldColor({ isTTY: true, env: { NO_COLOR: '' }, noColorFlag: false })).toBe(true);
    expect(shouldColor({ isTTY: true, env: {}, noColorFlag: true })).toBe(false);
    expect(shouldColor({ isTTY: true, env: { TERM: 'dumb' }, noColorFlag: false })).toBe(false);
    expect(shouldColor({ isTTY: false, env: { FORCE_COLOR: '1' }, noColorFlag: false })).toBe(true);
    expect(shouldColor({ isTTY: false, env: { FORCE_COLOR: '0' }, noColorFlag: false })).toBe(false);
  });

  it('aligns columns by visible width, ignoring colour codes', () => {
    const c = createStyle(true);
    const rows = table(
      [
        [c.green('✓'), 'a', '$1.00'],
        ['✓', 'longer', '$100.00'],
      ],
      { right: [2] },
    );
    expect(rows.map(stripAnsi)).toEqual(['✓  a         $1.00', '✓  longer  $100.00']);
  });
});

describe('values', () => {
  it('parses durations, days and money, and rejects the rest with a usage error', () => {
    expect(parseDurationMs('grace', '12h')).toBe(12 * 3_600_000);
    expect(parseDays('extend', '2w')).toBe(14);
    expect(parseDays('extend', '30')).toBe(30);
    expect(parseMoney('budget', '$12.50')).toBe(12.5);
    for (const bad of [
      () => parseDays('extend', '36h'),
      () => parseMoney('budget', '-5'),
      () => parseDays('x', 'soon'),
    ]) {
      expect(bad).toThrow(expect.objectContaining({ exitCode: ExitCode.usage }));
    }
  });
});

describe('words and numbers', () => {
  it('formats money one way and percentages one way', () => {
    expect([formatUsd(1000), formatUsd(-0.5), formatUsd(0.0142, 4), formatUsd(1234567.891)]).toEqual([
      '$1,000.00',
      '-$0.50',
      '$0.0142',
      '$1,234,567.89',
    ]);
    expect([formatPercent(0.75), formatPercent(0.192), formatPercent(0.8449), formatPercent(1)]).toEqual([
      '75%',
      '19.2%',
      '84.5%',
      '100%',
    ]);
    expect(formatDateTime(new Date('2024-03-20T09:00:59.999Z'))).toBe('2024-03-20 09:00 UTC');
  });

  it("turns the library's words into the command's", () => {
    expect(cliWording('in its grace period until 2024-03-20T09:00:00.000Z; finalize() first')).toBe(
      'in its grace period until 2024-03-20 09:00 UTC; `edenai-tokens finalize` first',
    );
    expect(cliWording('paused at drain; call resume() to continue')).toBe(
      'paused at drain; run `edenai-tokens resume` to continue',
    );
  });

  it('suggests the option or command a typo meant, and nothing for a stranger', () => {
    expect(closest('creat', ['create', 'delete'])).toBe('create');
    expect(closest('enviroment', ['environment', 'expiring-within'])).toBe('environment');
    expect(closest('lsit', ['list', 'get'])).toBe('list');
    expect(closest('frobnicate', ['list', 'get'])).toBeUndefined();
  });
});

describe('exit codes', () => {
  it('maps each SDK error to its documented code', async () => {
    const cases: [unknown, number][] = [
      [new errors.InvalidInputError('bad'), 2],
      [new errors.BadRequestError('dup', { status: 400 }), 2],
      [new errors.ConfigurationError('no key'), 3],
      [new errors.AuthenticationError('401', { status: 401 }), 3],
      [new errors.NotFoundError('gone', { status: 404 }), 4],
      [new errors.PolicyViolationError('too much', { environment: 'prod', rule: 'budget.max' }), 5],
      [new errors.RotationError('stopped', { tokenName: 'x', step: 'create', resumable: true }), 6],
      [new errors.InternalServerError('boom', { status: 502 }), 7],
      [new errors.APITimeoutError('slow'), 7],
      [new errors.RotationInProgressError('prod-web-app'), 8],
      [new TypeError('bug'), 1],
    ];
    for (const [error, code] of cases)
      expect((await classifyError(error)).exitCode, String(error)).toBe(code);
    expect(exitCodeHelp.map(([c]) => c)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('config', () => {
  it('resolves paths against the config file and defaults the rest', () => {
    const c = resolveConfig(
      { secrets: { type: 'file', path: 'vault/s.enc' }, rotation: { gracePeriod: '2h' } },
      '/etc/edenai/config.json',
      cwd,
    );
    expect(c.secrets).toEqual({ type: 'file', path: '/etc/edenai/vault/s.enc', keyEnv: 'EDENAI_TOKENS_KEY' });
    expect(c.state).toEqual({ type: 'file', path: '/etc/edenai/.edenai-tokens/state.json' });
    expect(c.rotation.gracePeriodMs).toBe(7_200_000);
    expect(Object.keys(c.environments)).toEqual(['dev', 'staging', 'prod']);
  });

  it('rejects unknown fields, secrets in the file and bad durations', () => {
    expect(() => resolveConfig({ apiKey: 'x' }, 'c.json', cwd)).toThrow(/Invalid config in c\.json/);
    expect(() =>
      resolveConfig(
        { notifiers: [{ type: 'webhook', url: 'https://h.example', secret: 's' }] },
        undefined,
        cwd,
      ),
    ).toThrow(/secret/);
    expect(() => resolveConfig({ rotation: { gracePeriod: 'soon' } }, undefined, cwd)).toThrow(
      errors.ConfigurationError,
    );
  });
});

describe('start-up', () => {
  it('loads no SDK dependency before a command runs (zod stays behind dynamic imports)', async () => {
    const result = await build({
      entryPoints: [join(root, 'src/cli/main.ts')],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      outdir: join(cwd, 'bundle'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint?.endsWith('src/cli/main.ts'))!;
    const seen = new Set<string>();
    const walk = (file: string) => {
      for (const i of outputs[file]?.imports ?? []) {
        if (i.kind !== 'import-statement' || seen.has(i.path)) continue;
        seen.add(i.path);
        walk(i.path);
      }
    };
    walk(entry);
    expect([...seen].filter((p) => !p.startsWith('node:') && !outputs[p])).toEqual([]); // no package
    const eager = [...seen].filter((p) => outputs[p]).flatMap((p) => Object.keys(outputs[p]!.inputs));
    expect(eager.filter((p) => !p.startsWith('src/cli/'))).toEqual([]);
  });

  it('gives every command a help page with usage and examples', async () => {
    for (const c of commands) {
      const stdout = new TextSink();
      expect(await run([c.name, '--help'], { stdout, stderr: new TextSink(), env: {}, cwd })).toBe(0);
      expect(stdout.text).toContain(`Usage: edenai-tokens ${c.name}`);
      expect(stdout.text).toMatch(/Examples:\n {2}\S/);
    }
  });
});

describe('config files', () => {
  const io = () => ({
    stdout: new TextSink(),
    stderr: new TextSink(),
    env: {} as Record<string, string>,
    cwd,
  });

  it('reads ./edenai-tokens.config.json by default, and a JS module for plan', async () => {
    const dir = mkdtempSync(join(cwd, 'cfg-'));
    writeFileSync(
      join(dir, 'edenai-tokens.config.json'),
      JSON.stringify({ environments: { qa: { budget: { default: 5 } } } }),
    );
    const a = { ...io(), cwd: dir };
    expect(await run(['--fake', 'create', 'qa', 'checkout', '--json'], a)).toBe(0);
    expect(JSON.parse(a.stdout.text).created).toMatchObject({ name: 'qa-checkout', balance: 5 });
    writeFileSync(
      join(dir, 'setup.mjs'),
      "export const environments = { qa: {}, perf: { tokenType: 'sandbox_api_token' } };\nexport const desired = { perf: { load: {} } };\n",
    );
    const b = { ...io(), cwd: dir };
    expect(await run(['--fake', 'plan', 'setup.mjs', '--json'], b)).toBe(0);
    expect(JSON.parse(b.stdout.text).plan.actions).toEqual([
      { type: 'create', name: 'perf-load', environment: 'perf', app: 'load' },
    ]);
  });

  it('sends new alerts to the configured webhook, signed, once', async () => {
    const dir = mkdtempSync(join(cwd, 'hook-'));
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(
          verifyWebhook(Buffer.concat(chunks), req.headers, 'whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQ='),
        );
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      writeFileSync(
        join(dir, 'edenai-tokens.config.json'),
        JSON.stringify({
          notifiers: [{ type: 'webhook', url, secretEnv: 'HOOK_SECRET' }, { type: 'console' }],
        }),
      );
      const env = { HOOK_SECRET: 'whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQ=' };
      expect(
        await run(['--fake', 'create', 'prod', 'soon', '--expires-in', '2d'], { ...io(), cwd: dir }),
      ).toBe(0);
      const first = { ...io(), env, cwd: dir };
      expect(await run(['--fake', 'health'], first)).toBe(0);
      expect(received).toHaveLength(1);
      expect(JSON.stringify(received[0])).toContain('prod-soon expires in 2 days');
      expect(first.stderr.text).toContain('prod/prod-soon'); // the console notifier writes to stderr
      expect(await run(['--fake', 'health'], { ...io(), env, cwd: dir })).toBe(0);
      expect(received).toHaveLength(1); // already delivered: not sent again
      const missing = io();
      expect(await run(['--fake', 'health'], { ...missing, cwd: dir })).toBe(3);
      expect(missing.stderr.text).toContain('Set HOOK_SECRET');
    } finally {
      server.close();
    }
  });
});
