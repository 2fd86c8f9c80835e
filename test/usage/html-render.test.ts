// Opens the HTML report in headless Chromium. The report itself measures its charts after load
// (svg.getBBox(), bars with a non-zero size) into `data-rendered`; we read the dumped DOM.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { UsageReport } from 'edenai-token-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { barDays, formatUsageHtml } from '../../src/usage/format/html.js';
import { fullReport, tutorialReport } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const dir = mkdtempSync(join(tmpdir(), 'usage-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function renderedCharts(
  html: string,
  name: string,
): Promise<Map<string, { width: number; height: number; bars: number }>> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const { stdout } = await promisify(execFile)(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(dir, `profile-${name}`)}`,
      '--dump-dom',
      pathToFileURL(file).href,
    ],
    { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  const charts = new Map<string, { width: number; height: number; bars: number }>();
  for (const tag of stdout.match(/<svg\b[^>]*>/g) ?? []) {
    const id = /data-chart="([^"]*)"/.exec(tag)?.[1];
    const rendered = /data-rendered="([^"]*)"/.exec(tag)?.[1];
    if (id === undefined) continue;
    charts.set(
      id,
      rendered ? JSON.parse(rendered.replace(/&quot;/g, '"')) : { width: 0, height: 0, bars: -1 },
    );
  }
  return charts;
}

function expectAllChartsRendered(
  report: UsageReport,
  charts: Map<string, { width: number; height: number; bars: number }>,
) {
  // Every scope that spent something has a chart; one that spent nothing has none (no empty axis).
  const scopes = report.environments
    .map((e) => [e.environment, e.byDay] as const)
    .filter(([, byDay]) => barDays(report.range, byDay).length > 0);
  if (report.unmanaged) scopes.push(['unmanaged', report.unmanaged.byDay]);
  expect([...charts.keys()].sort()).toEqual(scopes.map(([id]) => id).sort());
  for (const [id, byDay] of scopes) {
    const chart = charts.get(id)!;
    expect(chart.bars, `bars drawn in chart "${id}"`).toBe(barDays(report.range, byDay).length);
    expect(chart.width, `chart "${id}" width`).toBeGreaterThan(0);
    expect(chart.height, `chart "${id}" height`).toBeGreaterThan(0);
  }
}

describe.skipIf(!available)(
  `HTML report in headless Chromium${available ? '' : ` (skipped: ${CHROMIUM} is not installed)`}`,
  () => {
    it('renders every environment chart with one bar per day of spend', { timeout: 120_000 }, async () => {
      const full = await fullReport();
      const tutorial = await tutorialReport();
      const [a, b] = await Promise.all([
        renderedCharts(formatUsageHtml(full), 'full'),
        renderedCharts(formatUsageHtml(tutorial), 'tutorial'),
      ]);
      expectAllChartsRendered(full, a);
      expectAllChartsRendered(tutorial, b);
      expect(a.get('prod')!.bars).toBe(9); // proves bars are counted, not just charts
      expect(b.has('dev')).toBe(false); // sandbox spend of $0: no empty chart
    });
  },
);
