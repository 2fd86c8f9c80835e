import { withRuntime } from '../context.js';
import type { CommandContext } from '../spec.js';

/** `edenai-tokens delete <name>`: revokes every live generation and removes the secret entry. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = ctx.args[0]!;
  return withRuntime(ctx, async ({ registry }) => {
    const t = await registry.get(name);
    await registry.revoke(t.name);
    ctx.out.data({ deleted: t.name, generations: t.generations, secretRef: t.secretRef });
    ctx.out.line(
      `${ctx.out.style.green('✓')} Deleted ${ctx.out.style.bold(t.name)} (${t.generations.join(', ')}) and its secret entry ${t.secretRef}`,
    );
    return 0;
  });
}
