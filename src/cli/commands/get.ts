import { withRuntime } from '../context.js';
import { daysLeft, expiryText, table, usd } from '../render/format.js';
import { tokenView } from '../render/views.js';
import { describeSecret, secretInfo } from '../secret-info.js';
import type { CommandContext } from '../spec.js';

/** `edenai-tokens get <name>`: one token's details and its secret's fingerprint. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = ctx.args[0]!;
  return withRuntime(ctx, async ({ registry, secrets, clock }) => {
    const t = await registry.get(name);
    const now = clock();
    const secret = await secretInfo(secrets, t.secretRef);
    ctx.out.data({ token: tokenView(t, now), secret });
    const expires = t.expireTime
      ? `${t.expireTime.toISOString().slice(0, 10)} (${expiryText(daysLeft(t.expireTime, now))})`
      : 'never';
    const balance = t.activeBalance && t.balance !== null ? usd(t.balance) : 'unlimited';
    const reset =
      t.balanceResetPeriod === 'none'
        ? []
        : [['refills', `${t.balanceResetPeriod} to ${usd(t.balanceResetAmount ?? 0)}`]];
    ctx.out.line(ctx.out.style.bold(t.name));
    ctx.out.block(
      table(
        [
          ['environment', t.environment],
          ['app', t.app],
          ['type', t.tokenType],
          ['balance', balance],
          ...reset,
          ['expires', expires],
          ['generation', `${t.generation} (${t.tokenName})`],
          ...(t.generations.length > 1
            ? [['live', `${t.generations.join(', ')} (rotation in grace period)`]]
            : []),
          ['secret', describeSecret(secret)],
        ],
        { indent: '  ' },
      ).join('\n'),
    );
    return 0;
  });
}
