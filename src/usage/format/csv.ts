import type { UsageReport } from '../types.js';
import { formatDecimal } from './numbers.js';

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
      rows.push([text(e.environment), String(e.tokens), ...money(e)]);
    }
    // "unmanaged" can name no environment (the registry reserves it), so the row is unambiguous.
    if (report.unmanaged)
      rows.push(['unmanaged', String(report.unmanaged.tokens), ...money(report.unmanaged)]);
  } else {
    rows.push(['environment', 'token', 'app', 'managed', 'total_cost', 'total_calls', 'avg_cost_per_call']);
    for (const r of report.tokenRows) {
      rows.push([text(r.environment ?? ''), text(r.name), text(r.app ?? ''), String(r.managed), ...money(r)]);
    }
  }
  return rows.map((fields) => fields.map(quote).join(',')).join('\r\n') + '\r\n';
}

function money(s: { totalCost: number; totalCalls: number; avgCostPerCall: number }): string[] {
  return [formatDecimal(s.totalCost), String(s.totalCalls), formatDecimal(s.avgCostPerCall)];
}

function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
