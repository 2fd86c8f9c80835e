import { InvalidInputError, MemoryUsageSource, UsageMonitor, type UsageReport } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { formatCount, formatDecimal, formatUsd } from '../../src/core/format.js';
import { formatUsageHtml } from '../../src/usage/format/html.js';
import { formatUsageReport, USAGE_REPORT_FORMATS } from '../../src/usage/format/index.js';
import {
  formatUsageCsv,
  formatUsageJson,
  formatUsageMarkdown,
  formatUsageText,
} from '../../src/usage/format/text.js';
import { fullReport, JANUARY, NASTY_NAMES, tutorialReport } from './fixtures.js';
import { expectGolden } from './golden.js';
import { rec } from './records.js';
import { managed, stubRegistry } from './stub-registry.js';

// The tutorial's expected output (seeds/000, "Complete Example Output"), verbatim.
const TUTORIAL_BLOCK = `============================================================
Token Usage Report: 2024-01-01 to 2024-01-31
============================================================

Environment: DEV
  Tokens: 3
  Total Cost: $0.00
  Total Calls: 1,234
  Avg Cost/Call: $0.0000

Environment: STAGING
  Tokens: 2
  Total Cost: $3.89
  Total Calls: 456
  Avg Cost/Call: $0.0085

Environment: PROD
  Tokens: 3
  Total Cost: $127.11
  Total Calls: 8,921
  Avg Cost/Call: $0.0142

TOTAL COST (ALL ENVIRONMENTS): $131.00
============================================================
`;

describe('text', () => {
  it("prints the tutorial's Token Usage Report block exactly", async () => {
    expect(formatUsageText(await tutorialReport())).toBe(TUTORIAL_BLOCK);
  });

  it('adds per-token lines on request, and an unmanaged block when there is unmanaged usage', async () => {
    expectGolden('full.txt', formatUsageText(await fullReport(), { tokens: true }));
  });
});

describe('golden files', () => {
  it.each(USAGE_REPORT_FORMATS)('%s', async (format) => {
    const ext = { text: 'txt', json: 'json', csv: 'csv', md: 'md', html: 'html' }[format];
    expectGolden(`tutorial.${ext}`, formatUsageReport(await tutorialReport(), format));
    expectGolden(
      `full.${format === 'text' ? 'plain.txt' : ext}`,
      formatUsageReport(await fullReport(), format),
    );
  });

  it('csv per environment', async () => {
    expectGolden('full.environments.csv', formatUsageCsv(await fullReport(), { level: 'environment' }));
  });
});

describe('csv', () => {
  it('follows RFC 4180: CRLF lines, quoted fields with doubled quotes, formula text defused', async () => {
    const csv = formatUsageCsv(await fullReport());
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('environment,token,app,managed,total_cost,total_calls,avg_cost_per_call');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(lines).toContain(`,"'=HYPERLINK(""http://x.test"",""y""),1",,false,0.50,1,0.50`);
    expect(csv).toContain('"<img src=x onerror=alert(1)> | *b* _i_\nline2"');
    expect(lines).toContain('prod,prod-api-gateway,api-gateway,true,12345.678902,1234568,0.009999999');
  });

  it('parses back to the same fields with a strict RFC 4180 reader', async () => {
    const report = await fullReport();
    const rows = parseCsv(formatUsageCsv(report));
    expect(rows).toHaveLength(report.tokenRows.length + 1);
    expect(rows.slice(1).map((r) => r[1]!.replace(/^'/, ''))).toEqual(report.tokenRows.map((r) => r.name));
  });
});

describe('markdown', () => {
  it('escapes cell text so names cannot break the table or inject markup', async () => {
    const md = formatUsageMarkdown(await fullReport());
    expect(md).toContain('| &lt;img src=x onerror=alert(1)&gt; \\| \\*b\\* \\_i\\_ line2 |');
    // Every row of a table has as many unescaped pipes as its header.
    for (const table of md.split(/\n(?!\|)/).filter((b) => b.includes('\n|'))) {
      const pipes = table
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .map((l) => l.split(/(?<!\\)\|/).length);
      expect(new Set(pipes).size, table).toBe(1);
    }
  });
});

describe('html', () => {
  it('is self-contained: no external URL, no script but its own, every text escaped', async () => {
    const html = formatUsageHtml(await fullReport());
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('default-src &#39;none&#39;');
    expect(html).toContain('data-chart="prod" data-bars="9"');
    expect(html).toContain('data-chart="staging" data-bars="1"');
    // An environment that spent nothing gets no empty chart; the summary table still lists it.
    expect(html).not.toContain('data-chart="dev"');
    expect(html).toMatch(/<td>dev<\/td>/);
    // Readable date, and the breakdowns tokenUsage computes.
    expect(html).toMatch(/Generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(html).toContain('<h2>By feature</h2>');
    expect(html).toContain('<h2>By provider</h2>');
  });
});

/** A v3 month: two prod keys carry default tags (one tag value tries to break the markup), dev's none. */
async function taggedReport(): Promise<UsageReport> {
  const registry = stubRegistry(
    ['dev', 'prod'],
    [
      managed('prod-web-app', { tags: { team: 'payments', env: 'prod' } }),
      managed('prod-batch', { tags: { team: '<b>data</b>|x' } }),
      managed('dev-test'),
    ],
  );
  const source = new MemoryUsageSource([
    rec('prod-web-app', '2024-01-03', 12.5, 10),
    rec('prod-batch', '2024-01-04', 2, 4),
    rec('dev-test', '2024-01-05', 0, 3),
  ]);
  return new UsageMonitor({ registry, source, clock: () => new Date('2024-02-01T08:00:00Z') }).report(
    JANUARY,
  );
}

describe('key default tags', () => {
  it('text lists each tagged token with its cost and its key default tags, before the totals', async () => {
    const text = formatUsageText(await taggedReport());
    expect(text).toContain(
      [
        "Key default tags (a token's cost is attributed to its key's default tags):",
        '    prod-batch           $2.00  team=<b>data</b>|x',
        '    prod-web-app        $12.50  env=prod, team=payments',
        '',
        'TOTAL COST (ALL ENVIRONMENTS): $14.50',
      ].join('\n'),
    );
    expect(text).not.toMatch(/dev-test.*=/);
  });

  it('html, markdown and csv add a "Key default tags" column, escaped; json keeps the objects', async () => {
    const report = await taggedReport();
    const html = formatUsageHtml(report);
    expect(html).toContain('<th>Key default tags</th>');
    expect(html).toContain('<td>env=prod, team=payments</td>');
    expect(html).toContain('<td>team=&lt;b&gt;data&lt;/b&gt;|x</td>');
    expect(html).not.toContain('<b>data');
    const md = formatUsageMarkdown(report);
    expect(md).toContain('| Avg Cost/Call | Key default tags |');
    expect(md).toMatch(
      /\| prod-web-app \| prod \| yes \| \$12\.50 \| 10 \| \$1\.2500 \| env=prod, team=payments \|/,
    );
    expect(md).toContain('team=&lt;b&gt;data&lt;/b&gt;\\|x');
    expect(md).toMatch(/\| dev-test \| dev \| yes \| \$0\.00 \| 3 \| \$0\.0000 \| {2}\|/);
    const csv = formatUsageCsv(report).split('\r\n');
    expect(csv[0]).toBe(
      'environment,token,app,managed,total_cost,total_calls,avg_cost_per_call,key_default_tags',
    );
    expect(csv.find((l) => l.includes('prod-web-app'))).toMatch(/,10,[0-9.]+,"env=prod, team=payments"$/);
    expect(csv.find((l) => l.includes('dev-test'))).toMatch(/,3,[0-9.]+,$/);
    const rows = JSON.parse(formatUsageJson(report)).tokenRows as { name: string; keyDefaultTags?: object }[];
    expect(rows.find((r) => r.name === 'prod-web-app')!.keyDefaultTags).toEqual({
      team: 'payments',
      env: 'prod',
    });
  });

  it('a report without tags shows no tag section or column', async () => {
    const report = await fullReport();
    for (const f of USAGE_REPORT_FORMATS)
      expect(formatUsageReport(report, f)).not.toMatch(/key[ _]default[ _]tags/i);
  });
});

describe('number formats', () => {
  it('uses thousands separators and rounds decimals exactly', () => {
    expect(formatUsd(1234567.891)).toBe('$1,234,567.89');
    expect(formatUsd(1.005)).toBe('$1.01');
    expect(formatUsd(-0.0142, 4)).toBe('-$0.0142');
    expect(formatUsd(-0.001)).toBe('$0.00');
    expect(formatUsd(999.999)).toBe('$1,000.00');
    expect(formatCount(8921)).toBe('8,921');
    expect(formatCount(100)).toBe('100');
    expect(formatDecimal(0.0001)).toBe('0.0001');
    expect(formatDecimal(131)).toBe('131.00');
    expect(formatDecimal(-2.5)).toBe('-2.50');
  });

  it('refuses an unknown format', async () => {
    const report = await tutorialReport();
    expect(() => formatUsageReport(report, 'pdf' as 'text')).toThrow(InvalidInputError);
  });
});

it('the nasty names really are in the fixture', async () => {
  const names = (await fullReport()).tokenRows.map((r) => r.name);
  for (const n of NASTY_NAMES) expect(names).toContain(n);
});

/** A strict RFC 4180 parser (quoted fields, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\r' || c === '\n' || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('missing final CRLF');
  return rows;
}
