// `edenai-tokens demo`: the tutorial's story runs, prints its key sections, leaks nothing, leaves
// no files behind (unless --keep), and prints the same numbers every time.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, fakeTokenValues, runCli } from './run-cli.js';

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-cli-demo-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

// Fingerprints come from random fake token values; everything else is deterministic.
const masked = (s: string) => s.replace(/fingerprint [0-9a-f]{8}/g, 'fingerprint ########');

describe('the demo', { timeout: 120_000 }, () => {
  it('tells the whole story, identically on every run, and writes no file', async () => {
    const [a, b] = await Promise.all([runCli(['demo'], { cwd }), runCli(['demo'], { cwd })]);
    expect(a.code, a.stderr).toBe(0);
    for (const section of [
      'Plan: 5 to create, 0 to update, 0 to delete',
      'Plan: 3 to create, 0 to update, 0 to delete',
      '✓ Applied 3 of 3 changes: 3 created',
      'The evening health checks ran 78 times',
      'Token Health Report',
      '🟡 staging-web-app\n   Expires in 12 days',
      'Token Usage Report: 2024-02-18 to 2024-03-19',
      'TOTAL COST (ALL ENVIRONMENTS): $',
      '⚠️  2 token(s) need rotation',
      'Would rotate 2 token(s)',
      '✓ staging-web-app: staging-web-app → staging-web-app--g2, the old one works until 2024-03-20 09:00 UTC',
      'Rotated 2 tokens. Old generations keep working until 2024-03-20 09:00 UTC at the latest: then run `edenai-tokens finalize`.',
      '✓ Finalized staging-web-app',
      '✓ No token value appeared in this output',
    ]) {
      expect(a.stdout).toContain(section);
    }
    expect(a.stdout).toMatch(/✓ staging-web-app: (\$[\d.]+) before rotation, \1 after/);
    expect(a.stdout).not.toMatch(ANSI);
    // Each applied token is named once, in the plan: no progress lines, no per-token result line.
    const prodLaunch = a.stdout.slice(
      a.stdout.indexOf('2. Prod launches'),
      a.stdout.indexOf('64 days of traffic'),
    );
    expect(prodLaunch.match(/prod-api-gateway/g)).toHaveLength(1);
    expect(a.stderr).toBe('');
    // Dates as people read them, and CLI commands rather than library calls.
    expect(a.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(a.stdout).not.toContain('()');
    expect(masked(b.stdout)).toBe(masked(a.stdout));
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('sums itself up as JSON', async () => {
    const r = await runCli(['demo', '--json'], { cwd });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      api: string;
      created: number;
      rotated: string[];
      finalized: string[];
      budgets: { before: number; after: number }[];
      leakCheck: { values: number; found: number };
    };
    expect(summary).toMatchObject({
      api: 'v2',
      created: 8,
      rotated: ['staging-mobile-app', 'staging-web-app'],
      finalized: ['staging-mobile-app', 'staging-web-app'],
      leakCheck: { values: 10, found: 0 },
    });
    for (const b of summary.budgets) expect(b.after).toBeLessThanOrEqual(b.before);
  });

  it('keeps its final state for --fake commands when asked, and never overwrites one', async () => {
    const kept = await runCli(['demo', '--keep'], { cwd });
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain('try `edenai-tokens --fake list`');
    const listed = await runCli(['--fake', 'list', '--json'], { cwd });
    const staging = (
      JSON.parse(listed.stdout) as {
        environments: { staging: { name: string; generation: number; daysLeft: number }[] };
      }
    ).environments.staging;
    expect(staging.map((t) => [t.name, t.generation, t.daysLeft])).toEqual([
      ['staging-mobile-app', 2, 89],
      ['staging-web-app', 2, 89],
    ]);
    const values = fakeTokenValues(cwd);
    expect(values).toHaveLength(8);
    for (const v of values) expect(kept.stdout + listed.stdout).not.toContain(v);
    const again = await runCli(['demo', '--keep'], { cwd });
    expect([again.code, again.stderr]).toEqual([2, expect.stringMatching(/--keep would overwrite/)]);
  });
});
