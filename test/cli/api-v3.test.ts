// `--api v3`: the same commands and the same demo on the fake's v3 Management API, across
// invocations (key ids are reassigned on every load: names resolve by listing), and the exit codes
// of a bad --api value and a missing management key. Every output is scanned for token values.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, type CliRun, FAKE_VALUE, fakeTokenValues, runCli } from './run-cli.js';

let cwd: string;
const outputs: string[] = [];
const values = new Set<string>();

/** Runs `--fake --api v3 <args>`, records its output and the values the fake holds afterwards. */
async function v3(...args: string[]): Promise<CliRun> {
  return record(await runCli(['--fake', '--api', 'v3', ...args], { cwd }));
}
function record(r: CliRun): CliRun {
  outputs.push(r.stdout, r.stderr);
  for (const v of fakeTokenValues(cwd)) values.add(v);
  return r;
}
const json = <T>(r: CliRun): T => JSON.parse(r.stdout) as T;

type TokenJson = { name: string; generation: number; generations: string[]; balance: number };

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-cli-v3-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('--api v3 on the fake', { timeout: 180_000 }, () => {
  it('tells the demo story on the v3 Management API and keeps its state', async () => {
    const demo = record(await runCli(['--api', 'v3', 'demo', '--keep'], { cwd }));
    expect(demo.code, demo.stderr).toBe(0);
    for (const section of [
      'API: v3 Management API (/v3/manage/keys/',
      'Plan: 5 to create, 0 to update, 0 to delete',
      '✓ Applied 3 of 3 changes: 3 created',
      'Token Health Report',
      '🟡 staging-web-app\n   Expires in 12 days',
      'TOTAL COST (ALL ENVIRONMENTS): $',
      'Would rotate 2 token(s)',
      '✓ staging-web-app: staging-web-app → staging-web-app--g2, the old one works until',
      '✓ Finalized staging-web-app',
      '✓ No token value appeared in this output',
      'try `edenai-tokens --fake --api v3 list`',
    ]) {
      expect(demo.stdout).toContain(section);
    }
    expect(demo.stdout).toMatch(/✓ staging-web-app: (\$[\d.]+) before rotation, \1 after/);
    expect(demo.stdout).not.toMatch(ANSI);
  });

  it('creates, lists, rotates, finalizes and reports usage across invocations', async () => {
    const created = await v3('create', 'prod', 'batch', '--budget', '100', '--expires-in', '30d', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(json<{ created: TokenJson }>(created).created).toMatchObject({ name: 'prod-batch', balance: 100 });

    const listed = json<{ environments: Record<string, TokenJson[]> }>(await v3('list', '--json'));
    expect(listed.environments['staging']!.map((t) => [t.name, t.generation])).toEqual([
      ['staging-mobile-app', 2],
      ['staging-web-app', 2],
    ]);
    expect(listed.environments['prod']!.map((t) => t.name)).toContain('prod-batch');

    const rotated = await v3('rotate', 'prod-batch', '--json');
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(json<{ rotated: { newTokenName: string; status: string }[] }>(rotated).rotated[0]).toMatchObject({
      newTokenName: 'prod-batch--g2',
      status: 'grace',
    });
    const during = json<{ token: TokenJson }>(await v3('get', 'prod-batch', '--json')).token;
    expect(during).toMatchObject({ generations: ['prod-batch', 'prod-batch--g2'], balance: 90 });

    const finalized = await v3('finalize', '--force', '--json');
    expect(json<{ finalized: { name: string }[] }>(finalized).finalized.map((f) => f.name)).toEqual([
      'prod-batch',
    ]);
    const after = json<{ token: TokenJson }>(await v3('get', 'prod-batch', '--json')).token;
    expect(after).toMatchObject({ generations: ['prod-batch--g2'], balance: 100 });

    // Traffic on the rotated key, recorded in the fake's state file between two invocations.
    const fake = await createFakeEdenAI({ listen: false, stateFile: join(cwd, '.edenai-fake.json') });
    expect(fake.simulateUsage({ token: 'prod-batch--g2', cost: 2.5, calls: 10 }).ok).toBe(true);
    await fake.close();
    const usage = await v3('usage', '--json');
    expect(usage.code, usage.stderr).toBe(0);
    const report = json<{
      environments: { environment: string; totalCost: number }[];
      tokenRows: { name: string; totalCost: number; totalCalls: number }[];
    }>(usage);
    expect(report.tokenRows).toContainEqual(
      expect.objectContaining({ name: 'prod-batch', totalCost: 2.5, totalCalls: 10 }),
    );
    // The demo's weeks of traffic are in the last 30 days too.
    expect(report.environments.find((e) => e.environment === 'staging')!.totalCost).toBeGreaterThan(0);
  });

  it('never printed a token value', () => {
    expect(values.size).toBeGreaterThanOrEqual(9);
    const all = outputs.join('\n');
    expect(all).not.toMatch(FAKE_VALUE);
    for (const v of values) expect(all).not.toContain(v);
  });
});

describe('--api errors', { timeout: 60_000 }, () => {
  it('exits 2 on a bad --api or EDENAI_API_VERSION, 3 without a management key', async () => {
    const [flag, env, missing] = await Promise.all([
      runCli(['--api', 'v4', 'list'], { cwd }),
      runCli(['list'], { cwd, env: { EDENAI_API_VERSION: '3' } }),
      runCli(['--api', 'v3', 'list'], { cwd, env: { EDENAI_API_KEY: 'sk-eden-not-a-management-key' } }),
    ]);
    expect([flag.code, flag.stderr]).toEqual([2, expect.stringMatching(/--api must be v2 or v3, got "v4"/)]);
    expect([env.code, env.stderr]).toEqual([
      2,
      expect.stringMatching(/EDENAI_API_VERSION must be v2 or v3, got "3"/),
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/Set EDENAI_MANAGEMENT_KEY to an Eden AI management key \(mgmt-eden-…/);
    expect(missing.stderr).not.toContain('sk-eden-not-a-management-key');
    for (const r of [flag, env, missing]) expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
