import { formatUsageReport, UsageMonitor } from '../../index-node.js';
import { USAGE_REPORT_FORMATS } from '../../usage/format/index.js';
import { withRuntime } from '../context.js';
import { usageError } from '../errors.js';
import type { CommandContext } from '../spec.js';
import { isoDay, oneOf, parseDay } from '../values.js';

const DAY_MS = 86_400_000;

/** `edenai-tokens usage [--from D] [--to D] [--format text|json|csv|md|html]` (default: last 30 days). */
export async function run(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  // --json is the same as --format json: scripts get the report itself.
  const format =
    typeof o['format'] === 'string'
      ? oneOf('format', o['format'], USAGE_REPORT_FORMATS)
      : ctx.global.json
        ? 'json'
        : 'text';
  return withRuntime(ctx, async ({ registry, usageSource, clock }) => {
    const now = clock();
    const to = typeof o['to'] === 'string' ? parseDay('to', o['to']) : isoDay(now);
    const from =
      typeof o['from'] === 'string'
        ? parseDay('from', o['from'])
        : isoDay(new Date(Date.parse(to) - 30 * DAY_MS));
    if (from > to) throw usageError(`--from ${from} is after --to ${to}`);
    const monitor = new UsageMonitor({ registry, source: usageSource, clock });
    const report = await monitor.report({ from, to });
    const text = formatUsageReport(report, format);
    // Reports go to stdout whatever the mode: `--format csv > file.csv` must work with --json too.
    ctx.out.raw(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  });
}
