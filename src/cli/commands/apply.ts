import { classifyError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { renderApplyResult, renderPlan } from '../render/plan.js';
import type { CommandContext } from '../spec.js';
import { parsePositiveInt } from '../values.js';
import { withPlan } from './plan.js';

/** `edenai-tokens apply [config] [--prune] [--refill] [--concurrency N]`. */
export async function run(ctx: CommandContext): Promise<number> {
  const c = ctx.options['concurrency'];
  const concurrency = typeof c === 'string' ? parsePositiveInt('concurrency', c) : undefined;
  return withPlan(ctx, async ({ registry }, plan) => {
    ctx.out.block(renderPlan(plan, ctx.out.style));
    if (plan.actions.length === 0) {
      ctx.out.data({ plan, results: [], succeeded: 0, failed: 0 });
      return ExitCode.ok;
    }
    ctx.out.line();
    const progress = ctx.out.progress('Applying');
    const result = await registry
      .apply(plan, { ...(concurrency ? { concurrency } : {}), onProgress: (p) => progress.update(p) })
      .finally(() => progress.finish());
    const results = await Promise.all(
      result.results.map(async (r) => ({
        type: r.action.type,
        name: r.action.name,
        ok: r.ok,
        ...(r.error ? { error: await classifyError(r.error) } : {}),
      })),
    );
    ctx.out.data({ plan, results, succeeded: result.succeeded, failed: result.failed });
    ctx.out.block(renderApplyResult(result, ctx.out.style));
    return result.failed > 0 ? ExitCode.partial : ExitCode.ok;
  });
}
