import type { UsageReport } from '../types.js';

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
