import { withRuntime } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { failureView, renderProblems, renderRotation, rotationView, skipView } from '../render/rotation.js';
import { openRotations } from '../rotation.js';
import type { CommandContext } from '../spec.js';

/** `edenai-tokens resume`: continues rotations a crash or a lost response interrupted. Idempotent. */
export async function run(ctx: CommandContext): Promise<number> {
  return withRuntime(ctx, async (rt) => {
    const result = await openRotations(rt).resume();
    ctx.out.data({
      resumed: result.resumed.map(rotationView),
      failed: result.failed.map(failureView),
      skipped: result.skipped.map(skipView),
    });
    if (result.resumed.length + result.failed.length === 0) {
      ctx.out.line(`${ctx.out.style.green('✓')} Nothing to resume: no rotation was interrupted.`);
    }
    for (const r of result.resumed) ctx.out.block(renderRotation(r, ctx.out.style));
    for (const line of renderProblems(result.failed, result.skipped, ctx.out.style)) ctx.out.line(line);
    return result.failed.length > 0 ? ExitCode.partial : ExitCode.ok;
  });
}
