// docs/fleet.md's recipes: every YAML block parses, the manifests keep the properties the page
// promises (no overlapping runs, values through External Secrets Operator, pods restarted on
// change), and the `edenai-tokens` commands inside them run on the fake (`--fake`), twice: the
// second run changes nothing.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sdk from 'edenai-token-manager';
import * as aws from 'edenai-token-manager/aws';
import * as redis from 'edenai-token-manager/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { resolveConfig } from '../../src/cli/config.js';
import { FAKE_VALUE, root, runCli } from '../cli/run-cli.js';

const page = readFileSync(join(root, 'docs/fleet.md'), 'utf8');

function blocks(info: string): string[] {
  return [...page.matchAll(new RegExp(`^\`\`\`${info}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
}

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML
type Doc = Record<string, any>;
const yamlBlocks = blocks('yaml').map((text) => {
  const docs = parseAllDocuments(text);
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS() as Doc);
});
const workflow = yamlBlocks.flat().find((d) => d['jobs'])!;
const manifests = yamlBlocks.flat().filter((d) => d['kind']);
const ofKind = (kind: string) => manifests.filter((m) => m['kind'] === kind);

const dir = mkdtempSync(join(tmpdir(), 'fleet-recipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/fleet.md', () => {
  it('has YAML that parses: a GitHub Actions workflow and Kubernetes manifests', () => {
    expect(yamlBlocks.length).toBe(2);
    expect(workflow['on'].schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(workflow['concurrency']['cancel-in-progress']).toBe(false);
    const [cron] = ofKind('CronJob');
    expect(cron?.['spec'].concurrencyPolicy).toBe('Forbid');
    expect(ofKind('ExternalSecret')[0]?.['spec'].target.name).toBe('web-app-edenai');
    const [deployment] = ofKind('Deployment');
    expect(deployment?.['metadata'].annotations['secret.reloader.stakater.com/reload']).toBe(
      'web-app-edenai',
    );
  });

  it("keeps the CronJob's config valid and its script on public names only", async () => {
    const [configMap] = ofKind('ConfigMap');
    const config = JSON.parse(configMap!['data']['fleet.json']);
    expect(() => resolveConfig(config, join(dir, 'fleet.json'), dir)).not.toThrow();
    const script: string = configMap!['data']['reconcile.mjs'];
    const entries: Record<string, object> = {
      'edenai-token-manager': sdk,
      'edenai-token-manager/aws': aws,
      'edenai-token-manager/redis': redis,
    };
    const imports = [...script.matchAll(/import \{([^}]+)\} from '([^']+)'/g)];
    expect(imports.length).toBe(4);
    for (const [, names, from] of imports) {
      if (from === 'node:fs') continue;
      for (const name of names!
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)) {
        expect(entries[from!], `${name} from ${from}`).toHaveProperty(name);
      }
    }
    expect(ofKind('CronJob')[0]?.['spec'].jobTemplate.spec.template.spec.containers[0].command).toEqual([
      'node',
      '/etc/edenai/reconcile.mjs',
    ]);
  });

  it('runs the workflow commands on the fake: the first run does the work, the second nothing', async () => {
    const [config] = blocks('json config');
    writeFileSync(join(dir, 'fleet.json'), config!);
    // Slack answers from 127.0.0.1: whatever the pass sends stays on this machine.
    const slack = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
    const env = {
      EDENAI_TOKENS_KEY: 'a-passphrase-for-the-recipes-test',
      SLACK_WEBHOOK_URL: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/hook`,
    };
    try {
      const lines = workflow['jobs'].reconcile.steps
        .flatMap((s: Doc) => String(s['run'] ?? '').split('\n'))
        .map((l: string) => l.trim())
        .filter((l: string) => /edenai-tokens /.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const round of [1, 2]) {
        for (const line of lines) {
          const [command, redirect] = line.split(/\s+>\s+/);
          const args = command!.replace(/^npx (--yes )?edenai-tokens /, '').split(/\s+/);
          const r = await runCli(['--fake', ...args], { cwd: dir, env });
          expect(r.code, `${line}\n${r.stderr}`).toBe(0);
          expect(r.stdout + r.stderr).not.toMatch(FAKE_VALUE);
          const summary = JSON.parse(r.stdout);
          if (redirect) writeFileSync(join(dir, redirect), r.stdout);
          expect(summary.changed).toBe(round === 1);
          expect(summary.failures).toEqual([]);
        }
      }
    } finally {
      await new Promise((resolve) => slack.close(resolve));
    }
  });
});
