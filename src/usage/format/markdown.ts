import type { UsageReport } from '../types.js';
import { type Totals, totalIncludingUnmanaged } from './grand-total.js';
import { formatCount, formatUsd } from './numbers.js';

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
    out.push(row([cell(e.environment), formatCount(e.tokens), ...money(e)]));
  const tokens = report.environments.reduce((n, e) => n + e.tokens, 0);
  out.push(row(['**Total (all environments)**', formatCount(tokens), ...money(report)]));
  if (report.unmanaged) {
    const u = report.unmanaged;
    const all = totalIncludingUnmanaged(report, u);
    out.push(row(['*Unmanaged*', formatCount(u.tokens), ...money(u)]));
    out.push(row(['**Total including unmanaged**', formatCount(tokens + u.tokens), ...money(all)]));
  }
  if (report.tokenRows.length > 0) {
    out.push('', '## Tokens', '');
    out.push('| Token | Environment | Managed | Total Cost | Total Calls | Avg Cost/Call |');
    out.push('| --- | --- | :---: | ---: | ---: | ---: |');
    for (const r of report.tokenRows) {
      out.push(
        row([
          cell(r.name),
          r.environment === null ? '*unmanaged*' : cell(r.environment),
          r.managed ? 'yes' : 'no',
          ...money(r),
        ]),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function money(s: Totals): string[] {
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
