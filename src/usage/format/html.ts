// The HTML report: a self-contained page with a daily-spend chart (inline SVG) per scope. Pure
// markup plus one hashed measuring script, no external asset, so the report works offline.

import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { formatCount, formatDateTime, formatUsd } from '../../core/format.js';
import { parseDay } from '../../core/time.js';
import type { DailyUsage, DayRange, UsageReport } from '../types.js';
import { type Totals, taggedRows, tagText, totalIncludingUnmanaged } from './text.js';

// After load, each chart records what the browser actually drew (its box, and how many bars
// have a non-zero size) in `data-rendered`, so a headless browser can prove the charts render.
const MEASURE = `(() => {
  for (const svg of document.querySelectorAll('svg[data-chart]')) {
    const box = svg.getBBox();
    let drawn = 0;
    for (const bar of svg.querySelectorAll('.bar')) {
      const b = bar.getBBox();
      if (b.width > 0 && b.height > 0) drawn++;
    }
    svg.setAttribute('data-rendered', JSON.stringify({ width: box.width, height: box.height, bars: drawn }));
  }
})();`;

// The page may run only this exact script and load nothing at all (no network, no assets).
const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${btoa(String.fromCharCode(...sha256(utf8ToBytes(MEASURE))))}'`,
].join('; ');

const STYLE = `body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:2rem auto;max-width:780px;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta{color:#59636e;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{padding:.3rem .6rem;border-bottom:1px solid #d1d9e0;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tfoot tr:first-child td{border-top:2px solid #59636e}tfoot td{font-weight:600}tfoot tr.muted td{font-weight:400}
.chart{display:block;max-width:100%;height:auto}
.chart .bar{fill:#0969da}.chart .axis{stroke:#59636e;stroke-width:1}
.chart .tick,.chart .empty{font-size:11px;fill:#59636e}
.muted{color:#59636e}`;

/**
 * A self-contained HTML page: summary table, a daily-spend chart per environment (inline SVG)
 * and a table per token. No external asset and no network; every text is escaped.
 *
 * @example
 * ```ts
 * await writeFile('usage.html', formatUsageHtml(report));
 * ```
 */
export function formatUsageHtml(report: UsageReport): string {
  const { from, to } = report.range;
  const title = `Token Usage Report: ${from} to ${to}`;
  const body: string[] = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">Generated ${escapeHtml(readable(report.generatedAt))}</p>`,
    '<table class="summary">',
    `<thead><tr><th>Environment</th><th class="num">Tokens</th>${moneyHead()}</tr></thead>`,
    '<tbody>',
  ];
  for (const e of report.environments) {
    body.push(
      `<tr><td>${escapeHtml(e.environment)}</td><td class="num">${formatCount(e.tokens)}</td>${moneyCells(e)}</tr>`,
    );
  }
  const tokens = report.environments.reduce((n, e) => n + e.tokens, 0);
  body.push(
    '</tbody>',
    '<tfoot>',
    `<tr><td>Total (all environments)</td><td class="num">${formatCount(tokens)}</td>${moneyCells(report)}</tr>`,
  );
  if (report.unmanaged) {
    // Listed after the total it is not part of, with the grand total under it.
    const u = report.unmanaged;
    const all = totalIncludingUnmanaged(report, u);
    body.push(
      `<tr class="muted"><td>unmanaged</td><td class="num">${formatCount(u.tokens)}</td>${moneyCells(u)}</tr>`,
      `<tr><td>Total including unmanaged</td><td class="num">${formatCount(tokens + u.tokens)}</td>${moneyCells(all)}</tr>`,
    );
  }
  body.push('</tfoot>', '</table>');

  // A chart per environment that spent something: an empty axis says less than the table above.
  const spent = report.environments.filter((e) => barDays(report.range, e.byDay).length > 0);
  for (const e of spent) {
    body.push(`<section class="environment">`, `<h2>${escapeHtml(e.environment)}</h2>`);
    body.push(dailySpendChart(e.environment, e.environment, report.range, e.byDay), '</section>');
  }
  if (spent.length === 0 && !report.unmanaged) body.push('<p class="muted">No spend in this period.</p>');
  body.push(...breakdown(report));
  if (report.unmanaged) {
    body.push('<section class="environment">', '<h2>unmanaged</h2>');
    body.push(
      dailySpendChart('unmanaged', 'unmanaged tokens', report.range, report.unmanaged.byDay),
      '</section>',
    );
  }

  if (report.tokenRows.length > 0) {
    // The tags column only when some key has default tags: a v2 report stays as it was.
    const tags = taggedRows(report).length > 0;
    body.push('<h2>Tokens</h2>', '<table class="tokens">');
    body.push(
      `<thead><tr><th>Token</th><th>Environment</th><th>Managed</th>${moneyHead()}${tags ? '<th>Key default tags</th>' : ''}</tr></thead>`,
      '<tbody>',
    );
    for (const r of report.tokenRows) {
      const env = r.environment === null ? '<span class="muted">unmanaged</span>' : escapeHtml(r.environment);
      const tagCell = tags ? `<td>${r.keyDefaultTags ? escapeHtml(tagText(r.keyDefaultTags)) : ''}</td>` : '';
      body.push(
        `<tr><td>${escapeHtml(r.name)}</td><td>${env}</td><td>${r.managed ? 'yes' : 'no'}</td>${moneyCells(r)}${tagCell}</tr>`,
      );
    }
    body.push('</tbody>', '</table>');
  }

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${MEASURE}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** `2026-12-06 09:00 UTC` from the report's ISO timestamp (left as is if it is not one). */
function readable(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatDateTime(date);
}

/** Spend by feature and by provider, as `tokenUsage` computes them, over the managed environments. */
function breakdown(report: UsageReport): string[] {
  const out: string[] = [];
  if (report.byFeature.length > 0) {
    out.push('<h2>By feature</h2>', '<table class="features">');
    out.push(
      '<thead><tr><th>Feature</th><th class="num">Cost</th><th class="num">Calls</th></tr></thead>',
      '<tbody>',
    );
    for (const f of report.byFeature) {
      out.push(
        `<tr><td>${escapeHtml(f.feature)}</td><td class="num">${formatUsd(f.cost)}</td><td class="num">${formatCount(f.calls)}</td></tr>`,
      );
    }
    out.push('</tbody>', '</table>');
  }
  if (report.byProvider.length > 0) {
    out.push('<h2>By provider</h2>', '<table class="providers">');
    out.push('<thead><tr><th>Provider</th><th class="num">Cost</th></tr></thead>', '<tbody>');
    for (const p of report.byProvider) {
      out.push(`<tr><td>${escapeHtml(p.provider)}</td><td class="num">${formatUsd(p.cost)}</td></tr>`);
    }
    out.push('</tbody>', '</table>');
  }
  return out;
}

function moneyHead(): string {
  return '<th class="num">Total Cost</th><th class="num">Total Calls</th><th class="num">Avg Cost/Call</th>';
}

function moneyCells(s: Totals): string {
  return `<td class="num">${formatUsd(s.totalCost)}</td><td class="num">${formatCount(s.totalCalls)}</td><td class="num">${formatUsd(s.avgCostPerCall, 4)}</td>`;
}

// The daily-spend chart: one bar per day with spend, on an axis spanning every day of the range.
const WIDTH = 720;
const HEIGHT = 180;
const LEFT = 72;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 24;

const n2 = (x: number) => String(Math.round(x * 100) / 100);

/** The days `dailySpendChart` draws a bar for: spend above zero, inside the range. */
export function barDays(range: DayRange, byDay: readonly DailyUsage[]): DailyUsage[] {
  return byDay.filter((d) => d.cost > 0 && d.date >= range.from && d.date <= range.to);
}

/** The chart of one scope (an environment, or unmanaged usage). `id` names it for scripts and tests. */
function dailySpendChart(id: string, label: string, range: DayRange, byDay: readonly DailyUsage[]): string {
  const first = parseDay(range.from)!;
  const days = parseDay(range.to)! - first + 1;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / days;
  const barW = slot >= 3 ? slot * 0.8 : slot;
  const bars = barDays(range, byDay);
  const max = Math.max(0, ...bars.map((d) => d.cost));
  const title = `Daily spend, ${label}`;
  const out = [
    `<svg class="chart" data-chart="${escapeHtml(id)}" data-bars="${bars.length}" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(title)}</title>`,
    `<line class="axis" x1="${LEFT}" y1="${TOP + plotH}" x2="${WIDTH - RIGHT}" y2="${TOP + plotH}"/>`,
    `<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}"/>`,
    `<text class="tick" x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">${escapeHtml(formatUsd(max))}</text>`,
    `<text class="tick" x="${LEFT - 6}" y="${TOP + plotH}" text-anchor="end">$0</text>`,
    `<text class="tick" x="${LEFT}" y="${HEIGHT - 6}">${escapeHtml(range.from)}</text>`,
    `<text class="tick" x="${WIDTH - RIGHT}" y="${HEIGHT - 6}" text-anchor="end">${escapeHtml(range.to)}</text>`,
  ];
  for (const d of bars) {
    // A tiny spend still gets a visible bar (1 unit), so "spent something" is never invisible.
    const h = Math.max(1, (d.cost / max) * plotH);
    const x = LEFT + (parseDay(d.date)! - first) * slot;
    const tip = `${d.date}: ${formatUsd(d.cost)}, ${formatCount(d.calls)} calls`;
    out.push(
      `<rect class="bar" x="${n2(x)}" y="${n2(TOP + plotH - h)}" width="${n2(barW)}" height="${n2(h)}"><title>${escapeHtml(tip)}</title></rect>`,
    );
  }
  if (bars.length === 0) {
    out.push(
      `<text class="empty" x="${LEFT + plotW / 2}" y="${TOP + plotH / 2}" text-anchor="middle">No spend in this period</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values alike. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
