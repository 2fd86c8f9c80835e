import { withRuntime } from '../context.js';
import { renderTokensByEnvironment } from '../render/tokens.js';
import { tokenView, unmanagedView } from '../render/views.js';
import type { CommandContext } from '../spec.js';

/** `edenai-tokens list [--environment E]`. */
export async function run(ctx: CommandContext): Promise<number> {
  const only = ctx.options['environment'] as string | undefined;
  return withRuntime(ctx, async ({ registry, clock }) => {
    if (only) registry.policyFor(only); // an unknown environment is a usage error, before any request
    const groups = await registry.byEnvironment();
    const now = clock();
    const envs = Object.keys(registry.environments).filter((e) => !only || e === only);
    ctx.out.data({
      environments: Object.fromEntries(envs.map((e) => [e, (groups[e] ?? []).map((t) => tokenView(t, now))])),
      unmanaged: only ? [] : groups.unmanaged.map((t) => unmanagedView(t, now)),
    });
    ctx.out.block(renderTokensByEnvironment(groups, registry.environments, now, ctx.out.style, only));
    return 0;
  });
}
