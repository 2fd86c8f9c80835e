import type { UsageReport } from '../types.js';
import { formatCount, formatUsd } from './numbers.js';

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

/** Names come from Eden (unmanaged ones are free text): keep one entry on one line. */
function oneLine(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ');
}
