// `edenai-tokens reconcile`: the one pass a scheduler runs (a CronJob, a GitHub Actions schedule):
// resume → apply the config's desired state → rotate → finalize → alerts. Safe to run again.
import {
  AlertSystem,
  type DesiredState,
  ListCacheBackend,
  type ReconcileSummary,
  reconcile,
  UsageMonitor,
} from '../index-node.js';
import { cliWording, ExitCode } from './errors.js';
import { plural } from './format.js';
import type { Style } from './output.js';
import { buildNotifiers, checkSecrets, openRegistry, openRotations, withRuntime } from './runtime.js';
import type { CommandContext } from './spec.js';
import { parseDays } from './values.js';

/** The tutorial rotates tokens within 7 days of expiry. */
const DEFAULT_WITHIN_DAYS = 7;

/** `--json`: the summary with ISO dates. Names and messages only, never a value. */
function summaryView(s: ReconcileSummary) {
  return {
    ...s,
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt.toISOString(),
    inGrace: s.inGrace.map((g) => ({ name: g.name, graceEndsAt: g.graceEndsAt.toISOString() })),
  };
}

function list(label: string, names: readonly string[], style: Style): string[] {
  return names.length === 0 ? [] : [`${style.green('✓')} ${label}: ${names.join(', ')}`];
}

export function renderSummary(s: ReconcileSummary, style: Style): string {
  if (s.status === 'skipped')
    return 'Another reconcile pass holds the lease: nothing done (it does the work).';
  const lines = [
    ...list('Resumed', s.resumed, style),
    ...list('Created', s.applied.created, style),
    ...list('Updated', s.applied.updated, style),
    ...list('Deleted', s.applied.deleted, style),
    ...list('Rotated', s.rotated, style),
    ...list('Finalized', s.finalized, style),
  ];
  for (const g of s.inGrace) lines.push(`  ${g.name}: grace period until ${g.graceEndsAt.toISOString()}`);
  for (const k of s.skipped) lines.push(`  ${k.name} skipped (${k.step}): ${k.reason}`);
  for (const f of s.failures) {
    const what = f.name ? `${f.step} ${f.name}` : f.step;
    lines.push(`${style.red('✗')} ${what} failed: ${cliWording(f.message.split('\n')[0] ?? '')}`);
  }
  if (s.alerts) {
    const { critical, warning, info, sent } = s.alerts;
    lines.push(
      `Alerts: ${critical} critical, ${warning} warning, ${info} info; ${plural(sent, 'new alert')} sent`,
    );
  }
  const head =
    s.status === 'failed'
      ? style.red(`✗ Reconciled with ${plural(s.failures.length, 'failure')}`)
      : s.changed
        ? style.green('✓ Reconciled')
        : style.green('✓ Nothing to do: every token is as it should be');
  lines.push(style.bold(head));
  return lines.join('\n');
}

const EXIT: Record<ReconcileSummary['status'], number> = {
  ok: ExitCode.ok,
  skipped: ExitCode.ok,
  alerts: ExitCode.unhealthy,
  failed: ExitCode.partial,
};

/** `edenai-tokens reconcile [--within 7d] [--prune]`. */
export async function reconcileCommand(ctx: CommandContext): Promise<number> {
  const w = ctx.options['within'];
  const rotateWithinDays = typeof w === 'string' ? parseDays('within', w) : DEFAULT_WITHIN_DAYS;
  return withRuntime(ctx, async (base) => {
    // One list for the whole pass: every step reads the fleet through this backend.
    const backend = new ListCacheBackend(base.backend);
    const registry = openRegistry(base.config, { backend, secrets: base.secrets, clock: base.clock });
    const rt = { ...base, backend, registry };
    const desired = rt.config.desired as DesiredState | undefined;
    if (desired) await checkSecrets(rt, ctx.cwd);
    const rotation = openRotations(rt);
    const alerts = new AlertSystem({
      registry,
      // Exhaustion forecasts for every budgeted token: one cost query per pass.
      usage: new UsageMonitor({ registry, source: rt.usageSource, clock: rt.clock }),
      notifiers: buildNotifiers(rt.config.notifiers, ctx.env, ctx.out),
      state: rt.state,
      clock: rt.clock,
      rotations: rotation,
    });
    const summary = await reconcile({
      registry,
      rotation,
      alerts,
      ...(desired ? { desired } : {}),
      prune: Boolean(ctx.options['prune']),
      rotateWithinDays,
      state: rt.state,
    });
    ctx.out.data(summaryView(summary));
    ctx.out.block(renderSummary(summary, ctx.out.style));
    return EXIT[summary.status];
  });
}
