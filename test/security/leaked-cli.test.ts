// `edenai-tokens leaked` and `edenai-tokens audit`, in process on the --fake files: a leaked value
// found by fingerprint, revoked at once, audited; the value never printed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { fakeTokenValues } from '../cli/run-cli.js';

class TextSink {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-leaked-'));
  writeFileSync(
    join(cwd, 'edenai-tokens.config.json'),
    JSON.stringify({ environments: { prod: { budget: { default: 50 } } } }),
  );
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function cli(args: string[], stdin = '') {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const code = await run(['--fake', ...args], {
    stdout,
    stderr,
    stdin: {
      isTTY: false,
      async *[Symbol.asyncIterator]() {
        if (stdin) yield stdin;
      },
    },
    env: { USER: 'alice' },
    cwd,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('edenai-tokens leaked and audit', { timeout: 60_000 }, () => {
  let leaked: string;

  it('finds the token a leaked value belongs to, revokes it at once, and never prints it', async () => {
    expect((await cli(['create', 'prod', 'web-app'])).code).toBe(0);
    expect((await cli(['create', 'prod', 'api'])).code).toBe(0);
    const values = fakeTokenValues(cwd);
    expect(values).toHaveLength(2);
    leaked = values[0]!;

    const r = await cli(
      ['leaked', '--value-from-stdin', '--reason', 'pasted in a public issue', '--json'],
      `${leaked}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(['prod-web-app', 'prod-api']).toContain(out.name);
    expect(out.alert).toMatchObject({ severity: 'critical' });
    expect(out.actions.length).toBeGreaterThan(2);
    expect(fakeTokenValues(cwd)).not.toContain(leaked);
    expect(r.stdout + r.stderr).not.toContain(leaked);
    for (const v of fakeTokenValues(cwd)) expect(r.stdout + r.stderr).not.toContain(v);
  });

  it('says when a value is no managed token’s, by fingerprint only', async () => {
    const r = await cli(['leaked', '--value-from-stdin'], leaked);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/fingerprint [0-9a-f]{8}/);
    expect(r.stderr).not.toContain(leaked);
  });

  it('wrote the audit trail: show it, verify it, and catch an edit', async () => {
    const shown = await cli(['audit', 'show', '--json']);
    expect(shown.code).toBe(0);
    const entries = JSON.parse(shown.stdout).entries;
    expect(entries.at(-1)).toMatchObject({
      action: 'token.leak-response',
      actor: expect.stringMatching(/^alice@/),
      reason: 'pasted in a public issue',
      outcome: 'success',
    });
    const text = await cli(['audit', 'show', '--token', 'prod-nothing']);
    expect(text.stdout).toContain('No audit entries match.');
    expect((await cli(['audit', 'verify', '.edenai-audit.jsonl'])).code).toBe(0);

    const path = join(cwd, '.edenai-audit.jsonl');
    writeFileSync(path, readFileSync(path, 'utf8').replace('pasted in a public issue', 'nothing happened'));
    const broken = await cli(['audit', 'verify', '.edenai-audit.jsonl']);
    expect(broken.code).toBe(9);
    expect(broken.stdout).toMatch(/line \d+: entry #\d+ \(.*\) was edited/);
  });

  it('audits every write of the CLI, with --reason', async () => {
    expect((await cli(['update', 'prod-api', '--top-up', '5', '--reason', 'refill'])).code).toBe(0);
    const shown = JSON.parse((await cli(['audit', 'show', '--token', 'prod-api', '--json'])).stdout);
    expect(shown.entries.map((e: { action: string }) => e.action)).toContain('token.created');
    expect(shown.entries.at(-1)).toMatchObject({
      action: 'token.topped-up',
      actor: expect.stringMatching(/^alice@/),
      reason: 'refill',
      changes: { balance: { before: 50, after: 55 } },
    });
  });

  it('takes --actor over user@host, and refuses a name with --value-from-stdin', async () => {
    const both = await cli(['leaked', 'prod-api', '--value-from-stdin'], 'x');
    expect(both.code).toBe(2);
    const r = await cli([
      'leaked',
      'prod-api',
      '--actor',
      'secops-bot',
      '--reason',
      'rotated on suspicion',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse((await cli(['audit', 'show', '--token', 'prod-api', '--json'])).stdout);
    expect(shown.entries.at(-1)).toMatchObject({ actor: 'secops-bot', reason: 'rotated on suspicion' });
  });
});
