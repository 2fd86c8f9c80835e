import { withRuntime } from '../context.js';
import { usageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import {
  failureView,
  plannedView,
  renderPlanned,
  renderProblems,
  renderRotation,
  rotationView,
  skipView,
} from '../render/rotation.js';
import { openRotations } from '../rotation.js';
import type { CommandContext } from '../spec.js';
import { parseDays, parsePositiveInt } from '../values.js';

/** `edenai-tokens rotate <name>` or `rotate --expiring-within 7d [--dry-run] [--environment E]`. */
export async function run(ctx: CommandContext): Promise<number> {
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
    if (dryRun) ctx.out.block(renderPlanned(result.planned, ctx.out.style));
    else if (result.rotated.length + result.failed.length === 0) {
      ctx.out.line(`${ctx.out.style.green('✓')} No token expires within ${within} days.`);
    }
    for (const r of result.rotated) ctx.out.block(renderRotation(r, ctx.out.style));
    for (const line of renderProblems(result.failed, result.skipped, ctx.out.style)) ctx.out.line(line);
    return result.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}
