import { AlertSystem, formatHealthReport, UsageMonitor } from '../../index-node.js';
import { withRuntime } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { buildNotifiers } from '../notifiers.js';
import { healthView, rotationStatus } from '../render/health.js';
import { rotationFailures } from '../rotation.js';
import type { CommandContext } from '../spec.js';
import { oneOf } from '../values.js';

const RANK = { info: 0, warning: 1, critical: 2 } as const;
/** The tutorial rotates tokens within 7 days of expiry. */
const ROTATE_WITHIN_DAYS = 7;

/** `edenai-tokens health [--fail-on warning|critical]`: report, and send each new alert once. */
export async function run(ctx: CommandContext): Promise<number> {
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
      ...rotationFailures(rt),
    });
    const report = await alerts.run();
    const status = rotationStatus(report, ROTATE_WITHIN_DAYS);
    ctx.out.data({ ...healthView(report), needsRotation: status.due });
    ctx.out.block(formatHealthReport(report));
    ctx.out.line();
    ctx.out.line(status.text);
    const worst = Math.max(-1, ...report.alerts.map((a) => RANK[a.severity]));
    if (failOn && worst >= RANK[failOn]) return ExitCode.unhealthy;
    return report.failures.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}
