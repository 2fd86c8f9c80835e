// docs/fleet.md's recipes: every YAML block parses, the manifests keep the properties the page
// promises (no overlapping runs, values through External Secrets Operator, pods restarted on
// change), and the `edenai-tokens` commands inside them run on the fake (`--fake`), twice: the
// second run changes nothing.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Slack answers from 127.0.0.1: whatever a pass sends stays on this machine. */
async function withSlack(body: (webhookUrl: string) => Promise<void>): Promise<void> {
  const slack = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${(slack.address() as AddressInfo).port}/hook`);
  } finally {
    await new Promise((resolve) => slack.close(resolve));
  }
}

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

  it("keeps the CronJob's config valid, with stores that outlive the pod", () => {
    const [configMap] = ofKind('ConfigMap');
    const config = JSON.parse(configMap!['data']['fleet.json']);
    const resolved = resolveConfig(config, join(dir, 'fleet.json'), dir);
    expect(resolved.secrets).toMatchObject({ type: 'aws' });
    expect(resolved.state).toMatchObject({ type: 'redis' });
    const [cron] = ofKind('CronJob');
    expect(cron?.['spec'].jobTemplate.spec.template.spec.containers[0].command[0]).toBe('npx');
  });

  it("runs the CronJob's command on the fake: the first run does the work, the second nothing", async () => {
    const [configMap] = ofKind('ConfigMap');
    // Its own folder: the fake keeps its state in the working directory.
    const cwd = mkdtempSync(join(dir, 'cron-'));
    writeFileSync(join(cwd, 'cron.json'), configMap!['data']['fleet.json']);
    const command: string[] =
      ofKind('CronJob')[0]?.['spec'].jobTemplate.spec.template.spec.containers[0].command;
    expect(command.slice(0, 2)).toEqual(['npx', 'edenai-tokens']);
    const args = command.slice(2).map((a) => (a === '/etc/edenai/fleet.json' ? 'cron.json' : a));
    await withSlack(async (SLACK_WEBHOOK_URL) => {
      for (const round of [1, 2]) {
        // --fake: the fake's own stores stand in for AWS and Redis.
        const r = await runCli(['--fake', ...args], { cwd, env: { SLACK_WEBHOOK_URL } });
        expect(r.code, `${command.join(' ')}\n${r.stderr}`).toBe(0);
        expect(r.stdout + r.stderr).not.toMatch(FAKE_VALUE);
        const summary = JSON.parse(r.stdout);
        expect(summary.changed).toBe(round === 1);
        expect(summary.failures).toEqual([]);
      }
    });
  });

  it('runs the workflow commands on the fake: the first run does the work, the second nothing', async () => {
    const [config] = blocks('json config');
    writeFileSync(join(dir, 'fleet.json'), config!);
    await withSlack(async (SLACK_WEBHOOK_URL) => {
      const env = { EDENAI_TOKENS_KEY: 'a-passphrase-for-the-recipes-test', SLACK_WEBHOOK_URL };
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
    });
  });
});
