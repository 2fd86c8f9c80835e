// docs/troubleshooting.md, run: every `$ edenai-tokens …` line of its console blocks is spawned in
// document order, and the lines printed under it must be what the command prints. Each section's
// "Exit code N" is the exit code of its last command. So the page cannot drift from the product.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, root, runCli } from './run-cli.js';

interface Command {
  line: string;
  env: Record<string, string>;
  args: string[];
  expected: string[];
}

interface Section {
  title: string;
  exitCode: number | undefined;
  commands: Command[];
}

/** The page's `### ` sections, each with the commands of its console blocks and the output shown. */
function sections(markdown: string): Section[] {
  const out: Section[] = [];
  let inBlock = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('### ')) out.push({ title: line.slice(4), exitCode: undefined, commands: [] });
    const section = out.at(-1);
    if (line.startsWith('```')) {
      inBlock = line === '```console';
      continue;
    }
    if (!section) continue;
    if (!inBlock) {
      const code = /Exit code (\d+)/.exec(line);
      if (code) section.exitCode = Number(code[1]);
      continue;
    }
    if (line.startsWith('$ ')) {
      const words = line.slice(2).split(/\s+/);
      const env: Record<string, string> = {};
      while (/^[A-Z_]+=/.test(words[0]!)) {
        const [k, ...v] = words.shift()!.split('=');
        env[k!] = v.join('=');
      }
      expect(words.shift(), line).toBe('edenai-tokens');
      section.commands.push({ line, env, args: words, expected: [] });
    } else section.commands.at(-1)?.expected.push(line);
  }
  return out;
}

/** An expected line as a whole-line pattern; `[…]` matches anything. */
function linePattern(expected: string): RegExp {
  const parts = expected.split('[…]').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+?')}$`, 'm');
}

const page = readFileSync(join(root, 'docs/troubleshooting.md'), 'utf8');
let cwd: string;
let fake: FakeEdenAI;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'etm-cli-trouble-'));
  fake = await createFakeEdenAI();
  // `local.json` stands for the reader's own config: the real API (here the listening fake) and an
  // encrypted file store. The other files hold the mistakes the page shows.
  writeFileSync(
    join(cwd, 'local.json'),
    JSON.stringify({
      api: { baseUrl: fake.baseUrl, maxRetries: 0 },
      secrets: { type: 'file', path: '.edenai-tokens/secrets.enc' },
      state: { type: 'memory' },
    }),
  );
  writeFileSync(join(cwd, 'broken.json'), '{\n  "environments": {\n    "dev": {},\n  }\n}\n');
  writeFileSync(join(cwd, 'typo.json'), '{\n  "enviroments": {}\n}\n');
  writeFileSync(
    join(cwd, 'policy.json'),
    '{\n  "environments": {\n    "dev": { "tokenType": "sandbox_api_token" },\n    "prod": { "budget": { "max": -1 } }\n  }\n}\n',
  );
});
afterAll(async () => {
  await fake.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('docs/troubleshooting.md', { timeout: 180_000 }, () => {
  const all = sections(page);

  it('shows at least fifteen errors, each with its command and its exit code', () => {
    expect(all.length).toBeGreaterThanOrEqual(15);
    for (const s of all) {
      expect(s.commands.length, s.title).toBeGreaterThan(0);
      expect(s.exitCode, s.title).toBeDefined();
    }
  });

  it('prints what the page says, command by command', async () => {
    for (const section of all) {
      let last: CliRun | undefined;
      for (const c of section.commands) {
        // The reader has exported their API key; only `local.json` talks to the (fake) real API.
        const key = c.args.includes('local.json') ? { EDENAI_API_KEY: fake.apiKey } : {};
        last = await runCli(c.args, { cwd, env: { ...key, ...c.env } });
        const printed = last.stdout + last.stderr;
        for (const line of c.expected)
          expect(printed, `${section.title}: ${c.line}`).toMatch(linePattern(line));
      }
      expect([section.title, last!.code]).toEqual([section.title, section.exitCode]);
    }
    // The secret-store checks stopped every create before it reached Eden AI.
    const creates = fake.requests.filter((r) => r.method === 'POST');
    expect(creates).toHaveLength(1); // the one create whose passphrase was right
  });
});
