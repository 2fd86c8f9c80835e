// The rotation commands: rotate (one token, or every token expiring soon), resume, finalize.
// A bulk run prints one line per token and a closing summary; the migration steps of each rotation
// appear for a single rotation, or with --verbose.
import { formatDate, formatDateTime, formatUsd } from '../core/format.js';
import type { BulkFailure, BulkSkip, PlannedRotation, RotationResult } from '../index-node.js';
import { cliWording, ExitCode, usageError } from './errors.js';
import { plural, table } from './format.js';
import type { Output, Style } from './output.js';
import { checkSecrets, openRotations, withRuntime } from './runtime.js';
import type { CommandContext } from './spec.js';
import { parseDays, parsePositiveInt } from './values.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const day = (d: Date | null) => (d ? formatDate(d) : 'never');
const money = (n: number | null) => (n === null ? 'unlimited' : formatUsd(n));

/** `--json` shape of one rotation. Names, ids and steps only: results never hold a value. */
export function rotationView(r: RotationResult) {
  return {
    name: r.name,
    rotationId: r.rotationId,
    oldTokenName: r.oldTokenName,
    newTokenName: r.newTokenName,
    generation: r.generation,
    status: r.status,
    graceEndsAt: iso(r.graceEndsAt),
    migrationSteps: [...r.migrationSteps],
  };
}

function plannedView(p: PlannedRotation) {
  return {
    name: p.name,
    oldTokenName: p.oldTokenName,
    newTokenName: p.newTokenName,
    expireTime: iso(p.expireTime),
    balance: p.balance,
    allowance: p.allowance,
    newBalance: p.newBalance,
    newExpireTime: iso(p.newExpireTime),
  };
}

const failureView = (f: BulkFailure) => ({ name: f.name, message: f.error.message });
const skipView = (s: BulkSkip) => ({ name: s.name, reason: s.reason });

/** One line for one rotation: what replaced what, and until when the old one works. */
function rotationLine(r: RotationResult, style: Style): string {
  const head = `${style.green('✓')} ${style.bold(r.name)}`;
  // A native rotation (v3 with no grace period) keeps the key: only its value changed.
  if (r.oldTokenName === r.newTokenName)
    return `${head}: new value (same key; the old value no longer works)`;
  const until =
    r.status === 'grace' && r.graceEndsAt
      ? `the old one works until ${formatDateTime(r.graceEndsAt)}`
      : 'the old one is revoked';
  return `${head}: ${r.oldTokenName} → ${r.newTokenName}, ${until}`;
}

/** One rotation in full: the swap, the grace deadline, and the migration steps (which cite no values). */
export function renderRotation(r: RotationResult, style: Style): string {
  const lines: string[] = [];
  if (r.oldTokenName === r.newTokenName) {
    lines.push(
      `${style.green('✓')} Rotated ${style.bold(r.name)}: ${r.newTokenName} has a new value (same key; the old value no longer works)`,
    );
  } else {
    lines.push(
      `${style.green('✓')} Rotated ${style.bold(r.name)}: ${r.oldTokenName} → ${r.newTokenName} (generation ${r.generation})`,
      r.status === 'grace' && r.graceEndsAt
        ? `  The old generation keeps working until ${formatDateTime(r.graceEndsAt)}; then run \`edenai-tokens finalize\`.`
        : '  The old generation is revoked.',
    );
  }
  if (r.migrationSteps.length > 0) {
    lines.push('  Migration steps:', ...r.migrationSteps.map((s) => `    ${cliWording(s)}`));
  }
  return lines.join('\n');
}

/** Dry run: what would rotate and how the remaining balance would be split. */
export function renderPlanned(planned: readonly PlannedRotation[], style: Style): string {
  if (planned.length === 0) return `${style.green('✓')} No token needs rotating.`;
  const rows = [
    ['token', 'expires', 'balance', 'old keeps', 'new gets', 'new expiry'].map((h) => style.dim(h)),
    ...planned.map((p) => [
      p.name,
      day(p.expireTime),
      money(p.balance),
      money(p.allowance),
      money(p.newBalance),
      day(p.newExpireTime),
    ]),
  ];
  return [
    style.bold(`Would rotate ${planned.length} token(s) (dry run, nothing changed):`),
    ...table(rows, { indent: '  ', right: [2, 3, 4] }),
  ].join('\n');
}

export function renderProblems(
  failed: readonly BulkFailure[],
  skipped: readonly BulkSkip[],
  style: Style,
): string[] {
  return [
    ...failed.map((f) => `${style.red('✗')} ${f.name}: ${cliWording(f.error.message.split('\n')[0]!)}`),
    ...skipped.map((s) => `${style.dim('-')} ${s.name}: skipped (${cliWording(s.reason)})`),
  ];
}

/**
 * A bulk run's result: one line per token (the full detail with `verbose`), the failures and the
 * skips, then a summary that says what to run next.
 */
export function renderBulk(
  verb: 'Rotated' | 'Resumed',
  result: { done: readonly RotationResult[]; failed: readonly BulkFailure[]; skipped: readonly BulkSkip[] },
  style: Style,
  verbose: boolean,
): string {
  const { done, failed, skipped } = result;
  const lines = done.map((r) => (verbose ? renderRotation(r, style) : rotationLine(r, style)));
  lines.push(...renderProblems(failed, skipped, style));
  const counts = [`${verb} ${plural(done.length, 'token')}`];
  if (failed.length > 0) counts.push(style.red(`${failed.length} failed`));
  if (skipped.length > 0) counts.push(`${skipped.length} skipped`);
  const summary = [`${counts.join(', ')}.`];
  const deadlines = done.flatMap((r) =>
    r.status === 'grace' && r.graceEndsAt ? [r.graceEndsAt.getTime()] : [],
  );
  if (deadlines.length > 0) {
    const last = formatDateTime(new Date(Math.max(...deadlines)));
    summary.push(
      `Old generations keep working until ${last} at the latest: then run \`edenai-tokens finalize\`.`,
    );
  }
  if (failed.length > 0) summary.push('Fix what the errors say, then run `edenai-tokens resume`.');
  if (!verbose && done.some((r) => r.migrationSteps.length > 0)) summary.push('Migration steps: --verbose.');
  lines.push('', style.bold(summary.join(' ')));
  return lines.join('\n');
}

/** `edenai-tokens rotate <name>` or `rotate --expiring-within 7d [--dry-run] [--environment E]`. */
export async function rotate(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const name = ctx.args[0];
  const within =
    typeof o['expiring-within'] === 'string' ? parseDays('expiring-within', o['expiring-within']) : undefined;
  const environment = o['environment'] as string | undefined;
  const concurrency =
    typeof o['concurrency'] === 'string' ? parsePositiveInt('concurrency', o['concurrency']) : undefined;
  if (name && within !== undefined) throw usageError('Give a token name or --expiring-within, not both');
  if (!name && within === undefined)
    throw usageError('Give a token name, or --expiring-within <days> for a bulk run');
  if (name && (o['dry-run'] || environment))
    throw usageError('--dry-run and --environment go with --expiring-within');

  return withRuntime(ctx, async (rt) => {
    const rotations = openRotations(rt);
    if (!o['dry-run']) await checkSecrets(rt, ctx.cwd);
    if (name) {
      const result = await rotations.rotate(name);
      ctx.out.data({ rotated: [rotationView(result)], failed: [], skipped: [] });
      ctx.out.block(renderRotation(result, ctx.out.style));
      return ExitCode.ok;
    }
    if (environment) rt.registry.policyFor(environment);
    const dryRun = Boolean(o['dry-run']);
    const progress = dryRun ? undefined : ctx.out.progress('Rotating');
    const result = await rotations
      .rotateExpiring({
        withinDays: within!,
        dryRun,
        ...(environment ? { environment } : {}),
        ...(concurrency ? { concurrency } : {}),
        ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
      })
      .finally(() => progress?.finish());
    ctx.out.data({
      dryRun: result.dryRun,
      planned: result.planned.map(plannedView),
      rotated: result.rotated.map(rotationView),
      failed: result.failed.map(failureView),
      skipped: result.skipped.map(skipView),
    });
    if (dryRun) {
      ctx.out.block(renderPlanned(result.planned, ctx.out.style));
      for (const line of renderProblems(result.failed, result.skipped, ctx.out.style)) ctx.out.line(line);
    } else if (result.rotated.length + result.failed.length + result.skipped.length === 0) {
      ctx.out.line(`${ctx.out.style.green('✓')} No token expires within ${plural(within!, 'day')}.`);
    } else {
      const done = { done: result.rotated, failed: result.failed, skipped: result.skipped };
      ctx.out.block(renderBulk('Rotated', done, ctx.out.style, Boolean(o['verbose'])));
    }
    return result.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}

/** `edenai-tokens resume`: continues rotations a crash or a lost response interrupted. Idempotent. */
export async function resume(ctx: CommandContext): Promise<number> {
  return withRuntime(ctx, async (rt) => {
    await checkSecrets(rt, ctx.cwd);
    const result = await openRotations(rt).resume();
    ctx.out.data({
      resumed: result.resumed.map(rotationView),
      failed: result.failed.map(failureView),
      skipped: result.skipped.map(skipView),
    });
    if (result.resumed.length + result.failed.length + result.skipped.length === 0) {
      ctx.out.line(`${ctx.out.style.green('✓')} Nothing to resume: no rotation was interrupted.`);
    } else {
      const done = { done: result.resumed, failed: result.failed, skipped: result.skipped };
      ctx.out.block(renderBulk('Resumed', done, ctx.out.style, true));
    }
    return result.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}

/** The lines `finalize` prints for what it finalized. Shared with the demo. */
export function renderFinalized(finalized: readonly RotationResult[], out: Output): void {
  const { style } = out;
  for (const r of finalized) {
    out.line(
      `${style.green('✓')} Finalized ${style.bold(r.name)}: ${r.oldTokenName} revoked, ${r.newTokenName} is the only generation`,
    );
  }
}

/** `edenai-tokens finalize [--force]`: revokes old generations whose grace period is over. */
export async function finalize(ctx: CommandContext): Promise<number> {
  const force = Boolean(ctx.options['force']);
  return withRuntime(ctx, async (rt) => {
    await checkSecrets(rt, ctx.cwd);
    const result = await openRotations(rt).finalize({ force });
    const { style } = ctx.out;
    ctx.out.data({
      finalized: result.finalized.map(rotationView),
      pending: result.pending.map((p) => ({ name: p.name, graceEndsAt: p.graceEndsAt.toISOString() })),
      failed: result.failed.map(failureView),
      skipped: result.skipped.map(skipView),
    });
    renderFinalized(result.finalized, ctx.out);
    for (const p of result.pending) {
      ctx.out.line(
        `${style.yellow('…')} ${p.name}: in its grace period until ${formatDateTime(p.graceEndsAt)} (--force ends it now)`,
      );
    }
    for (const line of renderProblems(result.failed, result.skipped, style)) ctx.out.line(line);
    if (result.finalized.length + result.pending.length + result.failed.length === 0) {
      ctx.out.line(`${style.green('✓')} Nothing to finalize: no rotation is in its grace period.`);
    }
    return result.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}
