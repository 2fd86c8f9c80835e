// The tutorial's story, told on the demo's runtime: declarative setup, weeks of traffic, health
// and usage reports, rotation of the expiring tokens, finalize, and a final scan for leaked values.
import { formatCount, formatDate, formatUsd } from '../../core/format.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../core/time.js';
import {
  type Alert,
  AlertSystem,
  CallbackNotifier,
  type DesiredState,
  formatHealthReport,
  formatUsageReport,
  UsageMonitor,
} from '../../index-node.js';
import type { FakeEdenAI } from '../../testing/index.js';
import { tutorialDesired } from '../config.js';
import type { Output } from '../output.js';
import { renderApplyResult, renderPlan } from '../plan.js';
import { colorHealthReport, rotationStatus } from '../reports.js';
import { renderBulk, renderFinalized, renderPlanned, renderProblems } from '../rotation.js';
import type { Runtime } from '../runtime.js';
import { openRotations } from '../runtime.js';
import { renderTokensByEnvironment } from '../tokens.js';
import type { ApiVersion } from '../values.js';
import { IssuedValues, seededRandom, simulateDay } from './traffic.js';

/** The demo's runtime and the hand on its clock. */
export interface DemoRuntime extends Runtime {
  fake: FakeEdenAI;
  /** Moves the shared clock (fake server, registry, rotation, alerts) to this instant. */
  setNow(at: Date): void;
}

/** Prod launches two weeks after dev and staging, so their expiry dates differ. */
const PROD_LAUNCH_DAY = 14;
/** The health check: staging's 90-day tokens have 12 days left, like the tutorial's output. */
const CHECK_DAY = 78;
const ROTATE_WITHIN_DAYS = 14;
const SEED = 20240101;

/** The header's line naming the API the story runs on. */
const API_LABELS = {
  v2: 'v2 custom tokens (/v2/user/custom_token/, EDENAI_API_KEY); try --api v3',
  v3: 'v3 Management API (/v3/manage/keys/, keys by id, EDENAI_MANAGEMENT_KEY)',
} as const;

/** The last instant the demo's clock reaches, relative to its start (used to anchor `--keep`). */
export const DEMO_SPAN_MS = (CHECK_DAY + 1) * DAY_MS + 9 * HOUR_MS + 5 * MINUTE_MS;

export interface DemoSummary {
  /** The API the story ran on. */
  api: ApiVersion;
  created: number;
  rotated: string[];
  finalized: string[];
  budgets: { name: string; before: number | null; after: number | null }[];
  leakCheck: { scannedChars: number; values: number; found: number };
}

/**
 * The tutorial's story on the fake: declarative setup, weeks of traffic, health and usage
 * reports, rotation of the expiring tokens, finalize, and a final scan for leaked values.
 */
export async function tellStory(out: Output, rt: DemoRuntime, start: Date): Promise<DemoSummary> {
  const { style } = out;
  const { registry, fake } = rt;
  const at = (day: number, hours = 9, minutes = 0) =>
    new Date(start.getTime() + day * DAY_MS + hours * HOUR_MS + minutes * MINUTE_MS - 9 * HOUR_MS);
  const issued = new IssuedValues();
  const random = seededRandom(SEED);
  let chapter = 0;
  const heading = (title: string, when: Date) => {
    out.line();
    out.line(style.bold(`━━ ${++chapter}. ${title}`) + style.dim(`  (${formatDate(when)})`));
    out.line();
  };
  const shell = (cmd: string) => out.line(style.dim(`$ edenai-tokens ${cmd}`));
  // A cron job runs the health check every evening; each alert reaches the notifier once.
  const delivered: { at: Date; alert: Alert }[] = [];
  const notifier = new CallbackNotifier((alerts) => {
    for (const alert of alerts) delivered.push({ at: rt.clock(), alert });
  });
  const alerts = new AlertSystem({
    registry,
    // Budget-exhaustion forecasts, as `edenai-tokens health` makes them: one cost query per run.
    usage: new UsageMonitor({ registry, source: rt.usageSource, clock: rt.clock }),
    notifiers: [notifier],
    state: rt.state,
    clock: rt.clock,
    rotations: openRotations(rt),
  });
  let healthRuns = 0;
  const traffic = async (from: number, to: number) => {
    const total = { calls: 0, cost: 0 };
    for (let d = from; d < to; d++) {
      rt.setNow(at(d, 12));
      const t = simulateDay(fake, at(d, 12), random);
      total.calls += t.calls;
      total.cost += t.cost;
      rt.setNow(at(d, 18));
      await alerts.run();
      healthRuns++;
    }
    out.line(
      `${style.dim('…')} ${to - from} days of traffic: ${formatCount(total.calls)} calls, ${formatUsd(total.cost)} spent; a health check every evening`,
    );
  };
  const planAndApply = async (desired: DesiredState) => {
    shell('plan environments.json');
    const plan = await registry.plan(desired);
    out.block(renderPlan(plan, style));
    out.line();
    shell('apply environments.json');
    const result = await registry.apply(plan);
    out.block(renderApplyResult(result, style));
    issued.collect(fake);
    await alerts.run(); // the health check sees the new tokens at their full budget
    return result.succeeded;
  };

  out.line(style.bold('🔐 Multi-Environment Token Management — the tutorial, on edenai-token-manager'));
  out.line(
    style.dim('   Built-in fake Eden AI, injected clock: no API key, no network, deterministic numbers.'),
  );
  out.line(style.dim(`   API: ${API_LABELS[rt.api]}`));

  rt.setNow(at(0));
  heading('Set up dev and staging from a declarative config', at(0));
  let created = await planAndApply({ dev: tutorialDesired.dev, staging: tutorialDesired.staging });
  await traffic(0, PROD_LAUNCH_DAY);

  rt.setNow(at(PROD_LAUNCH_DAY));
  heading('Prod launches: add it to the config, plan again', at(PROD_LAUNCH_DAY));
  out.line(style.dim('The plan lists only what differs: the five existing tokens already match.'));
  created += await planAndApply(tutorialDesired);
  await traffic(PROD_LAUNCH_DAY, CHECK_DAY);

  const now = at(CHECK_DAY);
  rt.setNow(now);
  heading('Token health check', now);
  out.line(
    `The evening health checks ran ${healthRuns} times and delivered ${delivered.length} alerts, each once:`,
  );
  for (const { at: when, alert } of delivered) {
    const icon = alert.severity === 'critical' ? '🔴' : alert.severity === 'warning' ? '🟡' : '🔵';
    out.line(`  ${style.dim(formatDate(when))} ${icon} ${alert.message}`);
  }
  out.line();
  shell('health');
  const health = await alerts.run();
  out.block(colorHealthReport(formatHealthReport(health), style));
  out.line();
  out.line(rotationStatus(health, ROTATE_WITHIN_DAYS).text);

  heading('Usage report (last 30 days)', now);
  shell('usage');
  const monitor = new UsageMonitor({ registry, source: rt.usageSource, clock: rt.clock });
  const report = await monitor.report({
    from: formatDate(new Date(now.getTime() - 30 * DAY_MS)),
    to: formatDate(now),
  });
  out.block(formatUsageReport(report, 'text'));

  heading(`Rotate the tokens expiring within ${ROTATE_WITHIN_DAYS} days`, now);
  const rotations = openRotations(rt);
  shell(`rotate --expiring-within ${ROTATE_WITHIN_DAYS}d --dry-run`);
  const dry = await rotations.rotateExpiring({ withinDays: ROTATE_WITHIN_DAYS, dryRun: true });
  out.block(renderPlanned(dry.planned, style));
  out.line();
  shell(`rotate --expiring-within ${ROTATE_WITHIN_DAYS}d`);
  const rotated = await rotations.rotateExpiring({ withinDays: ROTATE_WITHIN_DAYS });
  issued.collect(fake);
  const done = { done: rotated.rotated, failed: rotated.failed, skipped: rotated.skipped };
  out.block(renderBulk('Rotated', done, style, false));

  const later = at(CHECK_DAY + 1, 9, 5);
  rt.setNow(later);
  heading('A day later: the grace period is over, finalize', later);
  shell('finalize');
  const fin = await rotations.finalize();
  renderFinalized(fin.finalized, out);
  for (const line of renderProblems(fin.failed, fin.skipped, style)) out.line(line);
  const budgets = await Promise.all(
    dry.planned.map(async (p) => ({
      name: p.name,
      before: p.balance,
      after: (await registry.get(p.name)).balance,
    })),
  );
  out.line();
  out.line(style.bold('Budget never raised (the tutorial doubled it):'));
  for (const b of budgets) {
    const ok = b.before === null || (b.after !== null && b.after <= b.before + 1e-9);
    out.line(
      `  ${ok ? style.green('✓') : style.red('✗')} ${b.name}: ${b.before === null ? 'unlimited' : formatUsd(b.before)} before rotation, ${b.after === null ? 'unlimited' : formatUsd(b.after)} after`,
    );
  }
  out.line();
  shell('list');
  out.block(renderTokensByEnvironment(await registry.byEnvironment(), registry.environments, later, style));

  heading('Leak check', later);
  const text = out.text();
  const found = issued.findIn(text);
  out.line(
    `Scanned ${formatCount(text.length)} characters of output for the ${issued.size} token values the fake issued (live and revoked).`,
  );
  out.line(
    found === 0
      ? style.green('✓ No token value appeared in this output')
      : style.red(`✗ ${found} token value(s) appeared in this output`),
  );

  return {
    api: rt.api,
    created,
    rotated: rotated.rotated.map((r) => r.name),
    finalized: fin.finalized.map((r) => r.name),
    budgets,
    leakCheck: { scannedChars: text.length, values: issued.size, found },
  };
}
