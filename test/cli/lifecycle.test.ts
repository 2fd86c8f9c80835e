// One story across invocations with --fake (state in local files): apply, create, update, rotate,
// finalize, health, usage, delete, and every failure kind's exit code. Every output is kept and
// finally scanned for every token value the fake ever held.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, type CliRun, fakeTokenValues, root, runCli } from './run-cli.js';

let cwd: string;
const outputs: string[] = [];
const values = new Set<string>();
const config = join(root, 'docs/examples/environments.json');

/** Runs `--fake <args>`, records its output and the values the fake holds afterwards. */
async function cli(...args: string[]): Promise<CliRun> {
  const r = await runCli(['--fake', ...args], { cwd });
  outputs.push(r.stdout, r.stderr);
  for (const v of fakeTokenValues(cwd)) values.add(v);
  return r;
}
const json = <T>(r: CliRun): T => JSON.parse(r.stdout) as T;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-cli-life-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

type TokenJson = {
  name: string;
  balance: number;
  generation: number;
  generations: string[];
  secretRef: string;
};

// Spawns are ~0.5 s each on an idle machine; the generous timeout absorbs a busy CI runner.
describe('a token lifecycle across invocations', { timeout: 180_000 }, () => {
  it('applies the tutorial config, then plans nothing more', async () => {
    const applied = await cli('apply', config, '--json');
    expect(applied.code).toBe(0);
    expect(json<{ succeeded: number; failed: number }>(applied)).toMatchObject({ succeeded: 8, failed: 0 });
    expect(applied.stderr).toContain('✓ prod-web-app ('); // plain progress lines, not a bar
    expect(applied.stderr).not.toMatch(ANSI);
    const again = await cli('plan', config, '--json');
    expect(json<{ plan: { actions: unknown[] } }>(again).plan.actions).toEqual([]);
  });

  it('creates, reads and updates within the policies', async () => {
    const created = await cli('create', 'staging', 'short', '--expires-in', '3d', '--json');
    expect(created.code).toBe(0);
    const c = json<{ created: TokenJson; secret: { ref: string; fingerprint: string } }>(created);
    expect(c.created).toMatchObject({
      name: 'staging-short',
      balance: 50,
      secretRef: 'edenai/staging-short',
    });
    expect(c.secret.fingerprint).toMatch(/^[0-9a-f]{8}$/);

    const updated = await cli('update', 'staging-web-app', '--top-up', '10', '--extend', '30d', '--json');
    expect(json<{ updated: TokenJson & { daysLeft: number } }>(updated).updated).toMatchObject({
      balance: 60,
      daysLeft: 120,
    });

    const got = await cli('get', 'staging-web-app');
    expect(got.stdout).toMatch(/balance +\$60\.00/);
    expect(got.stdout).toMatch(/secret +edenai\/staging-web-app {2}fp:[0-9a-f]{8}/);
  });

  it('exits with the code of each failure kind', async () => {
    // None of these writes anything, so they can run side by side.
    const [policy, missing, duplicate, unknownEnv] = await Promise.all([
      cli('create', 'prod', 'big', '--budget', '5000'),
      cli('get', 'prod-nothing'),
      cli('create', 'dev', 'web-app'),
      cli('create', 'qa', 'web-app'),
    ]);
    expect([policy.code, policy.stderr]).toEqual([5, expect.stringMatching(/exceeds prod's maximum/)]);
    expect(missing.code).toBe(4);
    expect([duplicate.code, duplicate.stderr]).toEqual([2, expect.stringMatching(/already exists/)]);
    expect([unknownEnv.code, unknownEnv.stderr]).toEqual([
      2,
      expect.stringMatching(/Unknown environment "qa"/),
    ]);
  });

  it('rotates one token, refuses a second rotation, and finalizes', async () => {
    const rotated = await cli('rotate', 'prod-web-app', '--json');
    expect(rotated.code).toBe(0);
    const r = json<{ rotated: { newTokenName: string; status: string; migrationSteps: string[] }[] }>(
      rotated,
    );
    expect(r.rotated[0]).toMatchObject({ newTokenName: 'prod-web-app--g2', status: 'grace' });
    expect(r.rotated[0]!.migrationSteps.join(' ')).toContain('never doubled');

    const second = await cli('rotate', 'prod-web-app');
    expect([second.code, second.stderr]).toEqual([
      8,
      expect.stringMatching(
        /in the grace period of its last rotation .* until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: .*run `edenai-tokens finalize --force` to end it now/,
      ),
    ]);

    const listed = json<{ environments: { prod: TokenJson[] } }>(await cli('list', '--json'));
    const web = listed.environments.prod.find((t) => t.name === 'prod-web-app')!;
    expect(web).toMatchObject({
      generation: 2,
      generations: ['prod-web-app', 'prod-web-app--g2'],
      balance: 450,
    });

    const early = await cli('finalize', '--json');
    expect(json<{ pending: { name: string }[] }>(early).pending.map((p) => p.name)).toEqual(['prod-web-app']);
    const forced = await cli('finalize', '--force', '--json');
    expect(json<{ finalized: { name: string }[] }>(forced).finalized.map((f) => f.name)).toEqual([
      'prod-web-app',
    ]);
    const after = await cli('get', 'prod-web-app', '--json');
    expect(json<{ token: TokenJson }>(after).token).toMatchObject({
      balance: 500,
      generations: ['prod-web-app--g2'],
    });
    expect((await cli('resume')).stdout).toContain('Nothing to resume');
  });

  it('rotates the expiring tokens in bulk, dry run first', async () => {
    const dry = await cli('rotate', '--expiring-within', '7d', '--dry-run', '--json');
    const planned = json<{ planned: { name: string; allowance: number; newBalance: number }[] }>(dry).planned;
    expect(planned).toEqual([
      expect.objectContaining({ name: 'staging-short', allowance: 5, newBalance: 45 }),
    ]);
    const bulk = await cli('rotate', '--expiring-within', '7d', '--environment', 'staging');
    expect(bulk.code).toBe(0);
    // One line per token, then a summary that says what to run next; the steps behind --verbose.
    expect(bulk.stdout).toMatch(
      /^✓ staging-short: staging-short → staging-short--g2, the old one works until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/m,
    );
    expect(bulk.stdout).toContain('Rotated 1 token. Old generations keep working until');
    expect(bulk.stdout).toContain('then run `edenai-tokens finalize`. Migration steps: --verbose.');
    expect(bulk.stdout).not.toContain('Migration steps:\n');
    expect(bulk.stderr).toContain('✓ staging-short (1/1)');
  });

  it('reports health and usage', async () => {
    await cli('create', 'prod', 'soon', '--expires-in', '2d');
    // Yesterday prod-mobile-app spent all but a cent: the burn rate empties it within the hour.
    const fake = await createFakeEdenAI({ listen: false, stateFile: join(cwd, '.edenai-fake.json') });
    const balance = fake.tokens().find((t) => t.name === 'prod-mobile-app')!.balance!;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(fake.simulateUsage({ token: 'prod-mobile-app', cost: balance - 0.01, date: yesterday })).toEqual({
      ok: true,
    });
    await fake.close();

    const health = await cli('health', '--fail-on', 'critical', '--json');
    expect(health.code).toBe(9);
    const h = json<{ alerts: { token: string; severity: string; kind: string }[]; needsRotation: string[] }>(
      health,
    );
    expect(h.alerts).toContainEqual(
      expect.objectContaining({ token: 'prod-soon', kind: 'expiring', severity: 'critical' }),
    );
    expect(h.alerts).toContainEqual(
      expect.objectContaining({ token: 'prod-mobile-app', kind: 'exhaustion-forecast', severity: 'warning' }),
    );
    expect(h.needsRotation).toContain('prod-soon');
    const text = await cli('health');
    expect(text.code).toBe(0); // without --fail-on, alerts are reported, not failed on
    expect(text.stdout).toContain('Token Health Report');
    expect(text.stdout).toContain('🔄 Rotation Status');

    const [csv, report, backwards] = await Promise.all([
      cli('usage', '--from', '2024-01-01', '--to', '2024-01-31', '--format', 'csv'),
      cli('usage', '--json'),
      cli('usage', '--from', '2024-02-01', '--to', '2024-01-01'),
    ]);
    expect(csv.stdout.split(/\r?\n/)[0]).toBe(
      'environment,token,app,managed,total_cost,total_calls,avg_cost_per_call',
    );
    const envs = json<{ environments: { environment: string }[] }>(report).environments.map(
      (e) => e.environment,
    );
    expect(envs).toEqual(['dev', 'staging', 'prod']);
    expect(backwards.code).toBe(2);
  });

  it('deletes a token with its secret entry', async () => {
    const refused = await cli('delete', 'dev-testing');
    expect([refused.code, refused.stderr]).toEqual([
      2,
      expect.stringMatching(/cannot be undone: confirm with --yes/),
    ]);
    const deleted = await cli('delete', 'dev-testing', '--yes', '--json');
    expect(json<{ deleted: string }>(deleted).deleted).toBe('dev-testing');
    const listed = await cli('list');
    expect(listed.stdout).not.toContain('dev-testing');
    expect(listed.stdout).toMatch(/^DEV:\n {2}✓ +dev-mobile-app/m);
    expect((await cli('get', 'dev-testing')).code).toBe(4);
  });

  it('never printed a token value, in any mode', () => {
    expect(values.size).toBeGreaterThanOrEqual(12);
    const all = outputs.join('\n');
    for (const v of values) expect(all).not.toContain(v);
  });
});
