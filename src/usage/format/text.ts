// The text-like formats of a usage report (text, CSV, Markdown, JSON). Numbers go through the one
// formatter (core/format).

import { formatCount, formatDecimal, formatUsd } from '../../core/format.js';
import { averagePerCall, fromNanos, toNanos } from '../../core/money.js';
import type { TokenUsageRow, UsageReport } from '../types.js';

/** Money columns of a summary line. */
export type Totals = { totalCost: number; totalCalls: number; avgCostPerCall: number };

/**
 * The managed total plus the unmanaged usage: the "Total including unmanaged" line. Summed in
 * nano-dollars so the grand total is exact.
 */
export function totalIncludingUnmanaged(report: UsageReport, unmanaged: Totals): Totals {
  const nanos = toNanos(report.totalCost) + toNanos(unmanaged.totalCost);
  const calls = report.totalCalls + unmanaged.totalCalls;
  return { totalCost: fromNanos(nanos), totalCalls: calls, avgCostPerCall: averagePerCall(nanos, calls) };
}

export interface TextFormatOptions {
  /** Add a line per token under each environment. Default false (the tutorial's layout). */
  tokens?: boolean;
}

const RULE = '='.repeat(60);

/**
 * The tutorial's "Token Usage Report" block: per environment Tokens / Total Cost / Total Calls /
 * Avg Cost/Call, then TOTAL COST (ALL ENVIRONMENTS).
 *
 * @example
 * ```ts
 * console.log(formatUsageText(await monitor.report({ from: '2024-01-01', to: '2024-01-31' })));
 * ```
 */
export function formatUsageText(report: UsageReport, options: TextFormatOptions = {}): string {
  const lines = [RULE, `Token Usage Report: ${report.range.from} to ${report.range.to}`, RULE, ''];
  const block = (
    title: string,
    s: { tokens: number; totalCost: number; totalCalls: number; avgCostPerCall: number },
  ) => {
    lines.push(
      title,
      `  Tokens: ${formatCount(s.tokens)}`,
      `  Total Cost: ${formatUsd(s.totalCost)}`,
      `  Total Calls: ${formatCount(s.totalCalls)}`,
      `  Avg Cost/Call: ${formatUsd(s.avgCostPerCall, 4)}`,
    );
  };
  for (const env of report.environments) {
    block(`Environment: ${oneLine(env.environment).toUpperCase()}`, env);
    if (options.tokens) tokenLines(lines, report, env.environment);
    lines.push('');
  }
  if (report.unmanaged) {
    block('Unmanaged (names outside every environment):', report.unmanaged);
    if (options.tokens) tokenLines(lines, report, null);
    lines.push('');
  }
  tagLines(lines, report);
  lines.push(`TOTAL COST (ALL ENVIRONMENTS): ${formatUsd(report.totalCost)}`);
  if (report.unmanaged) {
    lines.push(
      `TOTAL COST (INCLUDING UNMANAGED): ${formatUsd(report.totalCost + report.unmanaged.totalCost)}`,
    );
  }
  lines.push(RULE);
  return `${lines.join('\n')}\n`;
}

function tokenLines(lines: string[], report: UsageReport, environment: string | null): void {
  const rows = report.tokenRows.filter((r) => r.environment === environment);
  const width = Math.max(0, ...rows.map((r) => oneLine(r.name).length));
  for (const r of rows) {
    const flag = r.managed || environment === null ? '' : ' (not managed now)';
    lines.push(
      `    ${oneLine(r.name).padEnd(width)}  ${formatUsd(r.totalCost).padStart(12)}  ${formatCount(r.totalCalls).padStart(10)} call${r.totalCalls === 1 ? '' : 's'}${flag}`,
    );
  }
}

/** A row's key default tags as Eden's header writes them, sorted: `env=prod, team=payments`. */
export function tagText(tags: Record<string, string>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(', ');
}

/** The rows whose keys carry default tags: their cost is attributed to those tags. */
export function taggedRows(report: UsageReport): TokenUsageRow[] {
  return report.tokenRows.filter((r) => r.keyDefaultTags !== undefined);
}

/** Each tagged token's cost and its key's default tags, when any key has some. */
function tagLines(lines: string[], report: UsageReport): void {
  const rows = taggedRows(report);
  if (rows.length === 0) return;
  const width = Math.max(...rows.map((r) => oneLine(r.name).length));
  lines.push("Key default tags (a token's cost is attributed to its key's default tags):");
  for (const r of rows) {
    lines.push(
      `    ${oneLine(r.name).padEnd(width)}  ${formatUsd(r.totalCost).padStart(12)}  ${oneLine(tagText(r.keyDefaultTags!))}`,
    );
  }
  lines.push('');
}

/** Names come from Eden (unmanaged ones are free text): keep one entry on one line. */
function oneLine(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ');
}

export interface CsvFormatOptions {
  /** One line per token (default) or per environment. */
  level?: 'token' | 'environment';
}

/**
 * RFC 4180 CSV (CRLF line ends, fields quoted when they hold `"`, `,` or a line break). Money is
 * an exact plain decimal (`0.0001`, `131.00`). Text that a spreadsheet would run as a formula
 * (`=…`, `+…`, `-…`, `@…`) gets a leading `'`.
 *
 * @example
 * ```ts
 * await writeFile('usage.csv', formatUsageCsv(report, { level: 'environment' }));
 * ```
 */
export function formatUsageCsv(report: UsageReport, options: CsvFormatOptions = {}): string {
  const rows: string[][] = [];
  if (options.level === 'environment') {
    rows.push(['environment', 'tokens', 'total_cost', 'total_calls', 'avg_cost_per_call']);
    for (const e of report.environments) {
      rows.push([csvText(e.environment), String(e.tokens), ...csvMoney(e)]);
    }
    // "unmanaged" can name no environment (the registry reserves it), so the row is unambiguous.
    if (report.unmanaged)
      rows.push(['unmanaged', String(report.unmanaged.tokens), ...csvMoney(report.unmanaged)]);
  } else {
    // The keys' default tags (v3) as a last column, only when some key has tags.
    const tags = taggedRows(report).length > 0;
    rows.push([
      'environment',
      'token',
      'app',
      'managed',
      'total_cost',
      'total_calls',
      'avg_cost_per_call',
      ...(tags ? ['key_default_tags'] : []),
    ]);
    for (const r of report.tokenRows) {
      rows.push([
        csvText(r.environment ?? ''),
        csvText(r.name),
        csvText(r.app ?? ''),
        String(r.managed),
        ...csvMoney(r),
        ...(tags ? [csvText(r.keyDefaultTags ? tagText(r.keyDefaultTags) : '')] : []),
      ]);
    }
  }
  return rows.map((fields) => fields.map(quote).join(',')).join('\r\n') + '\r\n';
}

function csvMoney(s: Totals): string[] {
  return [formatDecimal(s.totalCost), String(s.totalCalls), formatDecimal(s.avgCostPerCall)];
}

function csvText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/**
 * Markdown (GitHub tables): one table per environment, one per token. Cell text is escaped, so a
 * name cannot break the table or inject markup.
 *
 * @example
 * ```ts
 * await writeFile(process.env.GITHUB_STEP_SUMMARY!, formatUsageMarkdown(report), { flag: 'a' });
 * ```
 */
export function formatUsageMarkdown(report: UsageReport): string {
  const { from, to } = report.range;
  const out = [`# Token Usage Report: ${from} to ${to}`, ''];
  out.push(
    '| Environment | Tokens | Total Cost | Total Calls | Avg Cost/Call |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const e of report.environments)
    out.push(row([cell(e.environment), formatCount(e.tokens), ...mdMoney(e)]));
  const tokens = report.environments.reduce((n, e) => n + e.tokens, 0);
  out.push(row(['**Total (all environments)**', formatCount(tokens), ...mdMoney(report)]));
  if (report.unmanaged) {
    const u = report.unmanaged;
    const all = totalIncludingUnmanaged(report, u);
    out.push(row(['*Unmanaged*', formatCount(u.tokens), ...mdMoney(u)]));
    out.push(row(['**Total including unmanaged**', formatCount(tokens + u.tokens), ...mdMoney(all)]));
  }
  if (report.tokenRows.length > 0) {
    // The tags column only when some key has default tags: a v2 report stays as it was.
    const tags = taggedRows(report).length > 0;
    out.push('', '## Tokens', '');
    out.push(
      `| Token | Environment | Managed | Total Cost | Total Calls | Avg Cost/Call |${tags ? ' Key default tags |' : ''}`,
    );
    out.push(`| --- | --- | :---: | ---: | ---: | ---: |${tags ? ' --- |' : ''}`);
    for (const r of report.tokenRows) {
      out.push(
        row([
          cell(r.name),
          r.environment === null ? '*unmanaged*' : cell(r.environment),
          r.managed ? 'yes' : 'no',
          ...mdMoney(r),
          ...(tags ? [r.keyDefaultTags ? cell(tagText(r.keyDefaultTags)) : ''] : []),
        ]),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function mdMoney(s: Totals): string[] {
  return [formatUsd(s.totalCost), formatCount(s.totalCalls), formatUsd(s.avgCostPerCall, 4)];
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Escapes Markdown punctuation and HTML; a line break becomes a space. */
function cell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * The report as pretty-printed JSON (money in USD numbers, days as `YYYY-MM-DD`).
 *
 * @example
 * ```ts
 * await writeFile('usage.json', formatUsageJson(report));
 * ```
 */
export function formatUsageJson(report: UsageReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
