// Which API a runtime talks to, in process against a listening fake (127.0.0.1): `--api` beats
// EDENAI_API_VERSION, which beats the config's `api.version`; each version reads its own key and
// base URL, and the requests land on that version's endpoints.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';

class TextSink {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

let cwd: string;
let fake: FakeEdenAI;
let config: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-cli-api-'));
  fake = await createFakeEdenAI();
  config = join(cwd, 'v3.json');
  writeFileSync(
    config,
    JSON.stringify({
      api: { version: 'v3', baseUrl: fake.baseUrl, managementBaseUrl: fake.v3BaseUrl, maxRetries: 0 },
      secrets: { type: 'memory' },
      state: { type: 'memory' },
    }),
  );
});
afterAll(async () => {
  await fake.close();
  rmSync(cwd, { recursive: true, force: true });
});
beforeEach(() => fake.resetRequestLog());

async function cli(args: string[], env: Record<string, string | undefined>) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const code = await run(['--config', config, ...args], { stdout, stderr, env, cwd });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
const paths = () => [...new Set(fake.requests.map((r) => r.path.split('/')[1]))];

describe('--api', () => {
  it("uses the config's v3 with EDENAI_MANAGEMENT_KEY and the v3 base URL", async () => {
    const r = await cli(['create', 'dev', 'web-app', '--json'], {
      EDENAI_MANAGEMENT_KEY: fake.managementKey,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(paths()).toEqual(['v3']);
    expect(fake.keys()).toContainEqual(expect.objectContaining({ name: 'dev-web-app', revoked: false }));
    expect(r.stdout + r.stderr).not.toContain(fake.managementKey);
    const usage = await cli(['usage', '--json'], { EDENAI_MANAGEMENT_KEY: fake.managementKey });
    expect(usage.code, usage.stderr).toBe(0);
    expect(fake.requests.map((q) => q.path)).toContain('/v3/manage/usage/');
  });

  it('lets EDENAI_API_VERSION override the config, and --api override both', async () => {
    const keys = { EDENAI_API_KEY: fake.apiKey, EDENAI_MANAGEMENT_KEY: fake.managementKey };
    const env = await cli(['list', '--json'], { ...keys, EDENAI_API_VERSION: 'v2' });
    expect(env.code, env.stderr).toBe(0);
    expect(paths()).toEqual(['v2']);
    fake.resetRequestLog();
    const flag = await cli(['--api', 'v3', 'list', '--json'], { ...keys, EDENAI_API_VERSION: 'v2' });
    expect(flag.code, flag.stderr).toBe(0);
    expect(paths()).toEqual(['v3']);
  });

  it('asks for the key of the API chosen, never the other one', async () => {
    const v2 = await cli(['--api', 'v2', 'list'], { EDENAI_MANAGEMENT_KEY: fake.managementKey });
    expect([v2.code, v2.stderr]).toEqual([3, expect.stringMatching(/Set EDENAI_API_KEY/)]);
    const v3 = await cli(['list', '--json'], { EDENAI_API_KEY: fake.apiKey });
    expect(v3.code).toBe(3);
    expect(JSON.parse(v3.stderr)).toMatchObject({
      error: {
        code: 'configuration_invalid',
        message: expect.stringMatching(/EDENAI_MANAGEMENT_KEY.*mgmt-eden-/),
      },
    });
    expect(fake.requests).toEqual([]);
  });

  it('rejects a bad api.version in the config file (exit 3) and a bad --api (exit 2) before any request', async () => {
    const bad = join(cwd, 'bad.json');
    writeFileSync(bad, JSON.stringify({ api: { version: 'v1' } }));
    const file = await cli(['--config', bad, 'list'], { EDENAI_API_KEY: fake.apiKey });
    expect([file.code, file.stderr]).toEqual([3, expect.stringMatching(/api\.version/)]);
    const flag = await cli(['--api', 'V3', 'list'], { EDENAI_API_KEY: fake.apiKey });
    expect([flag.code, flag.stderr]).toEqual([2, expect.stringMatching(/--api must be v2 or v3, got "V3"/)]);
    expect(fake.requests).toEqual([]);
  });
});
