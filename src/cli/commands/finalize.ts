import { withRuntime } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failureView, renderProblems, rotationView, skipView } from '../render/rotation.js';
import { openRotations } from '../rotation.js';
import type { CommandContext } from '../spec.js';

/** `edenai-tokens finalize [--force]`: revokes old generations whose grace period is over. */
export async function run(ctx: CommandContext): Promise<number> {
  const force = Boolean(ctx.options['force']);
  return withRuntime(ctx, async (rt) => {
    const result = await openRotations(rt).finalize({ force });
    const { style } = ctx.out;
    ctx.out.data({
      finalized: result.finalized.map(rotationView),
      pending: result.pending.map((p) => ({ name: p.name, graceEndsAt: p.graceEndsAt.toISOString() })),
      failed: result.failed.map(failureView),
      skipped: result.skipped.map(skipView),
    });
    for (const r of result.finalized) {
      ctx.out.line(
        `${style.green('✓')} Finalized ${style.bold(r.name)}: ${r.oldTokenName} revoked, ${r.newTokenName} is the only generation`,
      );
    }
    for (const p of result.pending) {
      ctx.out.line(
        `${style.yellow('…')} ${p.name}: grace period until ${p.graceEndsAt.toISOString()} (use --force to end it now)`,
      );
    }
    for (const line of renderProblems(result.failed, result.skipped, style)) ctx.out.line(line);
    if (result.finalized.length + result.pending.length + result.failed.length === 0) {
      ctx.out.line(`${style.green('✓')} Nothing to finalize: no rotation is in its grace period.`);
    }
    return result.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}
