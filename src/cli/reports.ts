// The report commands: health (the tutorial's health report, sending each new alert once) and
// usage (cost per environment in the format asked).
import { formatDate } from '../core/format.js';
import { DAY_MS } from '../core/time.js';
import {
  AlertSystem,
  type CreditsSource,
  formatHealthReport,
  formatUsageReport,
  type HealthReport,
  USAGE_REPORT_FORMATS,
  UsageMonitor,
} from '../index-node.js';
import { ExitCode, usageError } from './errors.js';
import type { Style } from './output.js';
import { buildNotifiers, openRotations, withRuntime } from './runtime.js';
import type { CommandContext } from './spec.js';
import { oneOf, parseDay } from './values.js';

const RANK = { info: 0, warning: 1, critical: 2 } as const;
/** The tutorial rotates tokens within 7 days of expiry. */
const ROTATE_WITHIN_DAYS = 7;

/** `health --json`: the report with every alert, errors reduced to their messages. Stable keys. */
function healthView(report: HealthReport) {
  return {
    at: report.at.toISOString(),
    alerts: report.alerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      severity: a.severity,
      token: a.token,
      tokenName: a.tokenName,
      generation: a.generation,
      environment: a.environment,
      message: a.message,
      balance: a.balance ?? null,
      budget: a.budget ?? null,
      daysToExpiry: a.daysToExpiry ?? null,
    })),
    environments: report.environments.map((e) => ({
      environment: e.environment,
      tokens: e.tokens.map((t) => ({
        name: t.name,
        tokenName: t.tokenName,
        status: t.status,
        balance: t.balance,
        budget: t.budget,
        budgetSource: t.budgetSource,
        daysToExpiry: t.daysToExpiry,
        alerts: t.alerts.map((a) => a.id),
      })),
    })),
    account: report.account
      ? {
          credits: report.account.credits,
          allocated: report.account.allocated,
          unlimited: report.account.unlimited,
        }
      : null,
    sent: report.sent.map((a) => a.id),
    failures: report.failures.map((f) => ({ notifier: f.notifier, message: f.error.message })),
  };
}

/** The tutorial's closing "🔄 Rotation Status": tokens within `days` of expiry need rotating. */
export function rotationStatus(report: HealthReport, days: number): { due: string[]; text: string } {
  const due = report.environments
    .flatMap((e) => e.tokens)
    .filter((t) => t.daysToExpiry !== null && t.daysToExpiry <= days)
    .map((t) => t.name);
  const text =
    due.length === 0
      ? '✓ No rotations needed'
      : `⚠️  ${due.length} token(s) need rotation: edenai-tokens rotate --expiring-within ${days}d`;
  return { due, text: `🔄 Rotation Status\n${text}` };
}

/**
 * The health report's text in the colours `list` uses: critical red, warnings yellow, fine green,
 * headings bold. The text itself is the library's; only its marks are coloured.
 */
export function colorHealthReport(text: string, style: Style): string {
  return text
    .split('\n')
    .map((line) => {
      const mark = line.trimStart();
      if (mark.startsWith('🔴') || mark.startsWith('❌')) return style.red(line);
      if (mark.startsWith('🟡') || mark.startsWith('⚠')) return style.yellow(line);
      if (mark.startsWith('✓')) return style.green(line);
      if (line === 'Token Health Report' || /^[A-Z][A-Z ]*:$/.test(line)) return style.bold(line);
      return line;
    })
    .join('\n');
}

function hasCredits(source: object): source is CreditsSource {
  return typeof (source as Partial<CreditsSource>).credits === 'function';
}

/** `edenai-tokens health [--fail-on warning|critical]`: report, and send each new alert once. */
export async function health(ctx: CommandContext): Promise<number> {
  const f = ctx.options['fail-on'];
  const failOn = typeof f === 'string' ? oneOf('fail-on', f, ['warning', 'critical'] as const) : undefined;
  return withRuntime(ctx, async (rt) => {
    const alerts = new AlertSystem({
      registry: rt.registry,
      // Exhaustion forecasts for every budgeted token: one cost query per run (forecastAll).
      usage: new UsageMonitor({ registry: rt.registry, source: rt.usageSource, clock: rt.clock }),
      notifiers: buildNotifiers(rt.config.notifiers, ctx.env, ctx.out),
      state: rt.state,
      clock: rt.clock,
      rotations: openRotations(rt),
      // Budgets against the account's credits, where the API has a credits endpoint (v2).
      ...(hasCredits(rt.usageSource) ? { credits: rt.usageSource } : {}),
    });
    const report = await alerts.run();
    const status = rotationStatus(report, ROTATE_WITHIN_DAYS);
    ctx.out.data({ ...healthView(report), needsRotation: status.due });
    ctx.out.block(colorHealthReport(formatHealthReport(report), ctx.out.style));
    ctx.out.line();
    ctx.out.line(status.text);
    const worst = Math.max(-1, ...report.alerts.map((a) => RANK[a.severity]));
    if (failOn && worst >= RANK[failOn]) return ExitCode.unhealthy;
    return report.failures.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}

/** `edenai-tokens usage [--from D] [--to D] [--format text|json|csv|md|html]` (default: last 30 days). */
export async function usage(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const asked =
    typeof o['format'] === 'string' ? oneOf('format', o['format'], USAGE_REPORT_FORMATS) : undefined;
  // --json is --format json: scripts get the report itself. Any other format with it is a contradiction.
  if (ctx.global.json && asked !== undefined && asked !== 'json') {
    throw usageError(`--json prints the report as JSON: drop it to get --format ${asked}`);
  }
  const format = asked ?? (ctx.global.json ? 'json' : 'text');
  const from = typeof o['from'] === 'string' ? parseDay('from', o['from']) : undefined;
  const to = typeof o['to'] === 'string' ? parseDay('to', o['to']) : undefined;
  if (from && to && from > to) throw usageError(`--from ${from} is after --to ${to}`);
  return withRuntime(ctx, async ({ registry, usageSource, clock }) => {
    const last = to ?? formatDate(clock());
    const first = from ?? formatDate(new Date(Date.parse(last) - 30 * DAY_MS));
    if (first > last) throw usageError(`--from ${first} is after --to ${last}`);
    const monitor = new UsageMonitor({ registry, source: usageSource, clock });
    const report = await monitor.report({ from: first, to: last });
    const text = formatUsageReport(report, format);
    ctx.out.raw(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  });
}
