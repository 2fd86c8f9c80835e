import type { DesiredState, Plan } from '../../registry/types.js';
import { loadConfigWithOverride } from '../config.js';
import { type Runtime, withRuntime } from '../context.js';
import { usageError } from '../errors.js';
import { planSummary, renderPlan } from '../render/plan.js';
import type { CommandContext } from '../spec.js';

/** Loads the config (the file argument overriding --config) and computes the plan. Shared with `apply`. */
export async function withPlan<T>(
  ctx: CommandContext,
  work: (rt: Runtime, plan: Plan) => Promise<T>,
): Promise<T> {
  const config = await loadConfigWithOverride(ctx.global.config, ctx.args[0], ctx.cwd);
  if (!config.desired) {
    throw usageError(
      `No desired state in ${config.source ?? 'the config'}: give a file with { environments, desired }`,
    );
  }
  const desired = config.desired as DesiredState;
  return withRuntime(
    ctx,
    async (rt) => {
      const plan = await rt.registry.plan(desired, {
        prune: Boolean(ctx.options['prune']),
        refill: Boolean(ctx.options['refill']),
      });
      return work(rt, plan);
    },
    config,
  );
}

/** `edenai-tokens plan [config] [--prune] [--refill]`: what `apply` would do; writes nothing. */
export async function run(ctx: CommandContext): Promise<number> {
  return withPlan(ctx, async (_rt, plan) => {
    ctx.out.data({ plan, summary: planSummary(plan) });
    ctx.out.block(renderPlan(plan, ctx.out.style));
    return 0;
  });
}
