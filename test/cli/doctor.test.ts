// `edenai-tokens doctor`: one line per check, the fixes, a verdict; `--json` one object; exit 0
// when all works, 9 when an optional check fails, 3 when token management is refused, 7 when
// Eden cannot be reached. The refusals come from a listening fake set up the way Eden answers
// today, reached through the config's base URLs (the real-API path), keys from the environment.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnosis } from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI, type FakeEdenAIOptions } from 'edenai-token-manager/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSI, type CliRun, FAKE_VALUE, runCli } from './run-cli.js';

const cwd = mkdtempSync(join(tmpdir(), 'etm-cli-doctor-'));
const fakes: FakeEdenAI[] = [];
const outputs: string[] = [];
afterAll(async () => {
  for (const f of fakes) await f.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const r = await runCli(args, { cwd, env });
  outputs.push(r.stdout, r.stderr);
  return r;
}

/** A listening fake, a config pointing at it, and the environment holding its keys. */
async function against(options: FakeEdenAIOptions, name: string) {
  const fake = await createFakeEdenAI(options);
  fakes.push(fake);
  const config = `${name}.json`;
  writeFileSync(
    join(cwd, config),
    JSON.stringify({ api: { baseUrl: fake.baseUrl, managementBaseUrl: fake.v3BaseUrl, maxRetries: 0 } }),
  );
  const env = { EDENAI_API_KEY: fake.apiKey, EDENAI_MANAGEMENT_KEY: fake.managementKey };
  return { fake, env, args: (...rest: string[]) => ['--config', config, ...rest] };
}

const json = (r: CliRun) => JSON.parse(r.stdout) as Diagnosis;

describe('edenai-tokens doctor', { timeout: 120_000 }, () => {
  it('on --fake: every check passes, on v2 and on v3', async () => {
    const text = await run(['--fake', 'doctor']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^✓ v2 token management {2}this API key may manage tokens/m);
    expect(text.stdout).toMatch(/^✓ v3 management key {4}management key of .*: manage:read, manage:write/m);
    expect(text.stdout).toMatch(/^For a registry on v2:\n✓ v2 token management/m);
    expect(text.stdout).toContain('The other API, v3 (not used now):\n✓ v3 management key');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('✓ Everything the registry uses on v2 works');
    expect(text.stdout).not.toContain('To fix:');
    expect(text.stdout).not.toMatch(ANSI);

    const v3 = await run(['--fake', '--api', 'v3', 'doctor', '--json']);
    expect(v3.code, v3.stderr).toBe(0);
    const d = json(v3);
    expect(d).toMatchObject({ api: 'v3', status: 'ok', recommendedApi: 'v3' });
    expect(d.checks.filter((c) => c.role === 'required').map((c) => c.api)).toEqual(['v3-scopes', 'v3-keys']);
  });

  it('v2 token management refused to the API key: exit 3, the fix and the verdict say v3', async () => {
    const { env, args } = await against({ v2TokenManagement: 'session-only' }, 'session-only');
    const r = await run(args('doctor'), env);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(
      /^✗ v2 token management {2}Eden refused token management to this API key \(401 /m,
    );
    expect(r.stdout).toMatch(/^✓ v2 cost reports/m);
    expect(r.stdout).toMatch(
      /To fix:\n {2}v2 token management: This management key can manage keys on v3: switch/,
    );
    expect(r.stdout).toContain('but it does on v3: use --api v3');

    const asJson = await run(args('doctor', '--json'), env);
    expect(asJson.code).toBe(3);
    expect(json(asJson)).toMatchObject({ api: 'v2', status: 'unusable', recommendedApi: 'v3' });

    const onV3 = await run(args('--api', 'v3', 'doctor'), env);
    expect(onV3.code, onV3.stdout).toBe(0);
  });

  it('a management key without manage:write: exit 3 on v3, naming the scope', async () => {
    const { env, args } = await against({ managementScopes: ['manage:read'] }, 'read-only');
    const r = await run(args('--api', 'v3', 'doctor', '--json'), env);
    expect(r.code, r.stderr).toBe(3);
    const scopes = json(r).checks.find((c) => c.api === 'v3-scopes')!;
    expect(scopes).toMatchObject({ status: 'refused', missingScopes: ['manage:write'] });
    expect(scopes.fix).toContain('manage:write');
  });

  it('cost reports refused: exit 9, token management still works', async () => {
    const { fake, env, args } = await against({}, 'no-costs');
    fake.inject({
      kind: 'status',
      status: 403,
      times: Number.POSITIVE_INFINITY,
      match: { path: '/cost_management/' },
    });
    const r = await run(args('doctor'), env);
    expect(r.code, r.stderr).toBe(9);
    expect(r.stdout).toMatch(/^✗ v2 cost reports {6}403 /m);
    expect(r.stdout).toContain('v2 cost reports: Usage reports, forecasts and budget alerts need it');
    expect(r.stdout).toContain('✓ Token management works on v2; an optional check failed');
  });

  it('Eden cannot be reached: exit 7, the host named', async () => {
    writeFileSync(
      join(cwd, 'down.json'),
      JSON.stringify({ api: { baseUrl: 'http://127.0.0.1:9/v2', maxRetries: 0 } }),
    );
    const r = await run(['--config', 'down.json', 'doctor'], { EDENAI_API_KEY: 'some-key-value-1234' });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stdout).toMatch(/^✗ v2 token management {2}Connection error to 127\.0\.0\.1:9/m);
  });

  it('prints no key and no value, in any mode', async () => {
    const keys = fakes.flatMap((f) => [f.apiKey, f.managementKey]);
    const all = outputs.join('\n');
    for (const key of [...keys, 'some-key-value-1234']) expect(all).not.toContain(key);
    expect(all).not.toMatch(FAKE_VALUE);
  });
});
