// Runs every example as users would (`node --import tsx examples/<file>.ts`, no API key: on the
// built-in fake), so the examples in the docs never rot.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ManagementKeyBackend, ManagementKeyClient, TokenRegistry } from 'edenai-token-manager';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { apiVersion, connect } from '../../examples/connect.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = `file://${join(root, 'node_modules/tsx/dist/loader.mjs')}`;
const env = { PATH: process.env['PATH'], HOME: process.env['HOME'] }; // no EDENAI_API_KEY: the fake
/** Every value the fake issues starts with this; none may ever be printed. */
const FAKE_VALUE = /sk-eden-fake-[0-9a-f]/;

function example(
  file: string,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', tsx, join(root, 'examples', file), ...args],
      { cwd: root, env, timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe.concurrent('examples', { timeout: 90_000 }, () => {
  it('setup-environments.ts creates the tutorial tokens', async () => {
    const r = await example('setup-environments.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Setting up prod...');
    expect(r.stdout).toContain('✓ create prod-api-gateway → edenai/prod-api-gateway');
    expect(r.stdout).toContain('✅ All environments set up successfully!');
    expect(r.stdout + r.stderr).not.toMatch(FAKE_VALUE);
  });

  it('health-check.ts reports expiry and low balance', async () => {
    const r = await example('health-check.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Token Health Report');
    expect(r.stdout).toMatch(/LOW BALANCE TOKENS:[\s\S]*staging-web-app\n {3}Balance: \$8\.40 of \$50\.00/);
    expect(r.stdout).toContain('🟡 prod-web-app\n   Expires in 10 days');
    expect(r.stdout + r.stderr).not.toMatch(FAKE_VALUE);
  });

  it('rotate-expiring.ts rotates what expires within the window and logs for cron', async () => {
    const r = await example('rotate-expiring.ts', ['7']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\S+Z staging-web-app: staging-web-app → staging-web-app--g2, grace until /m);
    expect(r.stdout).toMatch(/done: 5 rotated, 0 failed, 0 finalized\n$/);
    const none = await example('rotate-expiring.ts', ['1']);
    expect(none.stdout).toMatch(/done: 0 rotated/);
    expect(r.stdout + r.stderr + none.stdout).not.toMatch(FAKE_VALUE);
  });

  it('usage-report.ts prints the report in the format asked', async () => {
    const [text, csv, bad] = await Promise.all([
      example('usage-report.ts'),
      example('usage-report.ts', ['csv']),
      example('usage-report.ts', ['pdf']),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Environment: PROD\n {2}Tokens: 3\n {2}Total Cost: \$156\.00/);
    expect(csv.stdout.split(/\r?\n/)[0]).toBe(
      'environment,token,app,managed,total_cost,total_calls,avg_cost_per_call',
    );
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('usage: usage-report.ts')]);
  });
});

describe('connect.ts', () => {
  afterEach(() => {
    delete process.env['EDENAI_API_VERSION'];
  });

  it('runs on the v3 Management API when EDENAI_API_VERSION=v3', async () => {
    process.env['EDENAI_API_VERSION'] = 'v3';
    const conn = await connect({ history: 2 });
    try {
      expect(conn.api).toBe('v3');
      expect(conn.backend).toBeInstanceOf(ManagementKeyBackend);
      expect(conn.usageSource).toBeInstanceOf(ManagementKeyClient);
      const fake = conn.fake!;
      // The tutorial's tokens were made through /v3/manage/keys/, not v2's custom tokens.
      expect(fake.requests.some((r) => r.path === '/v3/manage/keys/' && r.method === 'POST')).toBe(true);
      expect(fake.requests.some((r) => r.path.startsWith('/v2/'))).toBe(false);
      expect(fake.keys().filter((k) => !k.revoked)).toHaveLength(8);
      const registry = new TokenRegistry({
        backend: conn.backend,
        secrets: conn.secrets,
        environments: { prod: { tokenType: 'api_token' } },
        clock: conn.clock,
      });
      expect((await registry.list()).map((t) => t.name)).toContain('prod-web-app');
    } finally {
      await conn.close();
    }
  });

  it('defaults to v2 and rejects an unknown version', () => {
    expect(apiVersion({})).toBe('v2');
    expect(() => apiVersion({ EDENAI_API_VERSION: 'v4' })).toThrow(/EDENAI_API_VERSION must be v2 or v3/);
  });
});

/**
 * A child's output (stdout and stderr) and a wait for the first time it matches a pattern. The
 * wait is woken by the child's own output and exit events, never by a timer: no sleeping, no
 * polling interval; a child that neither prints nor exits fails on the test's timeout.
 */
function watch(child: ChildProcess) {
  let output = '';
  let exited = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const check of waiters) check();
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (d: Buffer) => {
      output += d.toString();
      wake();
    });
  }
  child.on('exit', () => {
    exited = true;
    wake();
  });
  return {
    get output() {
      return output;
    },
    until(pattern: RegExp): Promise<RegExpExecArray> {
      return new Promise((ok, fail) => {
        const check = () => {
          const m = pattern.exec(output);
          if (m || exited) waiters.delete(check);
          if (m) ok(m);
          else if (exited) fail(new Error(`the example exited before printing ${pattern}: ${output}`));
        };
        waiters.add(check);
        check();
      });
    },
  };
}

describe('webhook-receiver.ts', { timeout: 90_000 }, () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  /** Standard Webhooks signing, written independently of the SDK so the test checks the spec too. */
  function sign(id: string, timestamp: string, body: string): string {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  }

  it('accepts a signed alert and rejects a tampered one', async () => {
    child = spawn(process.execPath, ['--import', tsx, join(root, 'examples/webhook-receiver.ts')], {
      cwd: root,
      env: { ...env, WEBHOOK_SECRET: secret, PORT: '0' },
    });
    const receiver = watch(child);
    const url = (await receiver.until(/listening on (http:\/\/\S+)/))[1]!;

    const body = JSON.stringify({
      type: 'edenai.token.alerts',
      timestamp: new Date().toISOString(),
      data: {
        alerts: [
          {
            severity: 'warning',
            environment: 'prod',
            token: 'prod-web-app',
            message: 'prod-web-app expires in 7 days',
          },
        ],
      },
    });
    const id = 'msg_test1';
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts };
    const signed = await fetch(url, {
      method: 'POST',
      body,
      headers: { ...headers, 'webhook-signature': sign(id, ts, body) },
    });
    expect(signed.status).toBe(204);

    const tampered = body.replace('7 days', '70 days');
    const forged = await fetch(url, {
      method: 'POST',
      body: tampered,
      headers: { ...headers, 'webhook-signature': sign(id, ts, body) },
    });
    expect(forged.status).toBe(401);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const replayed = await fetch(url, {
      method: 'POST',
      body,
      headers: { ...headers, 'webhook-timestamp': old, 'webhook-signature': sign(id, old, body) },
    });
    expect(replayed.status).toBe(401);

    // The receiver logs before it answers; its lines may still be in the pipe: wait for them.
    await receiver.until(/WARNING prod\/prod-web-app: prod-web-app expires in 7 days/);
    await receiver.until(/rejected a webhook: invalid_signature/);
    await receiver.until(/rejected a webhook: timestamp_too_old/);
    expect(receiver.output).not.toContain('70 days');
  });
});
