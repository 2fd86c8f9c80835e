// `edenai-tokens reconcile` as a scheduler runs it, on the fake: the first run does the work, the
// second changes nothing; `--json` prints one summary object; exit codes follow the outcome.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FAKE_VALUE, runCli } from './run-cli.js';

const cwd = mkdtempSync(join(tmpdir(), 'cli-reconcile-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

writeFileSync(
  join(cwd, 'fleet.json'),
  JSON.stringify({
    environments: {
      dev: { tokenType: 'sandbox_api_token' },
      prod: { budget: { default: 500, max: 2000 }, expiry: { defaultDays: 90 } },
    },
    desired: { prod: { 'web-app': { budget: 500 } }, dev: { test: {} } },
  }),
);

it('does the work once, then reports nothing to do; --json is one summary object', async () => {
  const first = await runCli(['--fake', '--config', 'fleet.json', 'reconcile', '--json'], { cwd });
  expect(first.stderr).not.toMatch(FAKE_VALUE);
  expect(first.code).toBe(0);
  const summary = JSON.parse(first.stdout);
  expect(summary).toMatchObject({ status: 'ok', changed: true, failures: [] });
  expect(summary.applied.created.sort()).toEqual(['dev-test', 'prod-web-app']);

  const second = await runCli(['--fake', '--config', 'fleet.json', 'reconcile', '--within', '14d'], { cwd });
  expect(second.code).toBe(0);
  expect(second.stdout).toContain('Nothing to do');
  expect(`${first.stdout}${second.stdout}${second.stderr}`).not.toMatch(FAKE_VALUE);
});
