// One entry for every format of a usage report: what the CLI's `--format` and users call.
import { InvalidInputError } from '../../core/errors.js';
import type { UsageReport } from '../types.js';
import { formatUsageHtml } from './html.js';
import {
  type CsvFormatOptions,
  formatUsageCsv,
  formatUsageJson,
  formatUsageMarkdown,
  formatUsageText,
  type TextFormatOptions,
} from './text.js';

/**
 * The formats `formatUsageReport` knows.
 * @example for (const f of USAGE_REPORT_FORMATS) writeFileSync(`usage.${f}`, formatUsageReport(report, f));
 */
export type UsageReportFormat = 'text' | 'json' | 'csv' | 'md' | 'html';
/**
 * The formats `formatUsageReport` accepts.
 *
 * @example
 * USAGE_REPORT_FORMATS.includes(flag); // validate a --format option
 */
export const USAGE_REPORT_FORMATS: readonly UsageReportFormat[] = ['text', 'json', 'csv', 'md', 'html'];

/**
 * Formats a report: `text` (the tutorial's block), `json`, `csv` (RFC 4180), `md` (Markdown
 * tables) or `html` (a self-contained page with a daily-spend chart per environment).
 *
 * @example
 * ```ts
 * const report = await monitor.report({ from: '2024-01-01', to: '2024-01-31' });
 * process.stdout.write(formatUsageReport(report, 'md'));
 * ```
 */
export function formatUsageReport(
  report: UsageReport,
  format: UsageReportFormat,
  options: TextFormatOptions & CsvFormatOptions = {},
): string {
  switch (format) {
    case 'text':
      return formatUsageText(report, options);
    case 'json':
      return formatUsageJson(report);
    case 'csv':
      return formatUsageCsv(report, options);
    case 'md':
      return formatUsageMarkdown(report);
    case 'html':
      return formatUsageHtml(report);
    default:
      throw new InvalidInputError(
        `Unknown report format ${JSON.stringify(format)}: use ${USAGE_REPORT_FORMATS.join(', ')}`,
        { field: 'format' },
      );
  }
}
