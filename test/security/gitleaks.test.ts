// The shipped gitleaks rules, checked with an RE2-semantics engine (gitleaks is Go, whose regexp is
// RE2): they match real-shaped Eden AI keys in the places keys end up, and not their neighbours.
import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';

interface Rule {
  id: string;
  regex: string;
  secretGroup?: number;
  entropy?: number;
  keywords: string[];
  stopwords: string[];
}

/** Just enough TOML for our file: [[rules]] tables, their allowlists' stopwords, and scalar keys. */
function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  let current: Rule | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '[[rules]]') {
      current = { id: '', regex: '', keywords: [], stopwords: [] };
      rules.push(current);
      continue;
    }
    const m = /^(\w+)\s*=\s*(.+)$/.exec(line.trim());
    if (!current || !m) continue;
    const [, key, raw] = m as unknown as [string, string, string];
    const value = raw.startsWith("'''")
      ? raw.slice(3, -3)
      : raw.startsWith('[')
        ? (JSON.parse(raw) as string[])
        : raw.startsWith('"')
          ? (JSON.parse(raw) as string)
          : Number(raw);
    if (key === 'id' || key === 'regex') current[key] = value as string;
    else if (key === 'secretGroup' || key === 'entropy') current[key] = value as number;
    else if (key === 'keywords' || key === 'stopwords') current[key] = value as string[];
  }
  return rules;
}

const rules = parseRules(readFileSync(new URL('../../security/gitleaks.toml', import.meta.url), 'utf8'));
const compiled = rules.map((r) => ({ rule: r, re: RE2JS.compile(r.regex) }));

function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** What gitleaks would report in `text`: rule id and secret, after keywords, entropy and stopwords. */
function scan(text: string): { id: string; secret: string }[] {
  const found: { id: string; secret: string }[] = [];
  for (const { rule, re } of compiled) {
    if (!rule.keywords.some((k) => text.toLowerCase().includes(k.toLowerCase()))) continue;
    const m = re.matcher(text);
    while (m.find()) {
      const secret = m.group(rule.secretGroup ?? 0) ?? '';
      if (rule.entropy !== undefined && shannon(secret) < rule.entropy) continue;
      if (rule.stopwords.some((w) => secret.toLowerCase().includes(w))) continue;
      found.push({ id: rule.id, secret });
    }
  }
  return found;
}

// Seeded, so a failure is reproducible.
let seed = 42;
function random(
  n: number,
  alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    s += alphabet[seed % alphabet.length];
  }
  return s;
}
const b64url = (n: number) => random(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
const jwt = () => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${b64url(60)}.${b64url(43)}`;

describe('security/gitleaks.toml', () => {
  it('has a rule per key format (two for the legacy JWT keys)', () => {
    expect(rules.map((r) => r.id)).toEqual([
      'edenai-live-key',
      'edenai-test-key',
      'edenai-management-key',
      'edenai-legacy-jwt-key',
      'edenai-legacy-jwt-bearer',
    ]);
  });

  const live = `sk-eden-live-${random(40)}`;
  const test = `sk-eden-test-${random(40)}`;
  const mgmt = `mgmt-eden-${random(48)}`;
  const token = jwt();

  it.each([
    ['a .env line', `EDENAI_API_KEY=${live}`, 'edenai-live-key', live],
    ['JSON', `{"apiKey": "${live}"}`, 'edenai-live-key', live],
    ['YAML', `  api_key: '${test}'`, 'edenai-test-key', test],
    ['a shell export', `export EDENAI_MANAGEMENT_KEY=${mgmt}`, 'edenai-management-key', mgmt],
    ['a JS string', `const key = \`${mgmt}\`;`, 'edenai-management-key', mgmt],
    ['an escaped newline in a log', `"body":"key ${live}\\n"`, 'edenai-live-key', live],
    ['a legacy key in .env', `EDENAI_API_KEY=${token}`, 'edenai-legacy-jwt-key', token],
    ['a legacy key in Python', `eden_ai_key = "${token}"`, 'edenai-legacy-jwt-key', token],
    ['a legacy key in JSON', `"edenaiToken": "${token}",`, 'edenai-legacy-jwt-key', token],
    [
      'a legacy key in curl',
      `curl https://api.edenai.run/v2/text/chat -H "Authorization: Bearer ${token}"`,
      'edenai-legacy-jwt-bearer',
      token,
    ],
  ])('matches a real-shaped key in %s', (_, text, id, secret) => {
    expect(scan(text)).toEqual([{ id, secret }]);
  });

  it.each([
    ['the masked display form', 'masked: sk-eden-live…c5d6'],
    ['a bare prefix in docs', 'Live keys start with sk-eden-live- and sandbox keys with sk-eden-test-.'],
    ['a placeholder', 'EDENAI_API_KEY=sk-eden-live-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['a placeholder with a stopword', 'EDENAI_API_KEY=sk-eden-live-your_key_example_goes_here_1234'],
    ['the fake server’s keys', `sk-eden-fake-${random(32, '0123456789abcdef')}`],
    ['the fake management key', 'mgmt-eden-fake-management-key'],
    ['a longer word ending in the prefix', `task-eden-live-${random(40)}`],
    ['another prefix', `sk-edenai-live-${random(40)}`],
    ['a short value', `sk-eden-live-${random(12)}`],
    ['a JWT of another service', `AUTH0_TOKEN=${jwt()}`],
    ['a JWT far from any Eden AI name', `EDENAI_URL=https://api.edenai.run\nSESSION=${jwt()}`],
    ['the docs’ truncated legacy key', 'API_KEY = "eyJhbG...xxxxxxxxxxxxxxxxxxxxxxxx"'],
    ['an OpenAI key', `OPENAI_API_KEY=sk-proj-${random(48)}`],
  ])('does not match %s', (_, text) => {
    expect(scan(text)).toEqual([]);
  });
});
