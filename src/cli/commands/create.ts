import type { ResetPeriod } from '../../ports/backend.js';
import { withRuntime } from '../context.js';
import { daysLeft, expiryText, usd } from '../render/format.js';
import { tokenView } from '../render/views.js';
import { describeSecret, secretInfo } from '../secret-info.js';
import type { CommandContext } from '../spec.js';
import { oneOf, parseDays, parseMoney } from '../values.js';

/** `edenai-tokens create <env> <app> [--budget N] [--expires-in 90d] [--reset-period P]`. */
export async function run(ctx: CommandContext): Promise<number> {
  const [environment, app] = ctx.args as [string, string];
  const o = ctx.options;
  const input = {
    environment,
    app,
    ...(typeof o['budget'] === 'string' ? { budget: parseMoney('budget', o['budget']) } : {}),
    ...(typeof o['expires-in'] === 'string'
      ? { expiresInDays: parseDays('expires-in', o['expires-in']) }
      : {}),
    ...(typeof o['reset-period'] === 'string'
      ? {
          resetPeriod: oneOf<ResetPeriod>('reset-period', o['reset-period'], [
            'none',
            'daily',
            'weekly',
            'monthly',
          ]),
        }
      : {}),
  };
  return withRuntime(ctx, async ({ registry, secrets, clock }) => {
    const t = await registry.create(input);
    const now = clock();
    const secret = await secretInfo(secrets, t.secretRef);
    ctx.out.data({ created: tokenView(t, now), secret });
    const budget = t.activeBalance && t.balance !== null ? `budget ${usd(t.balance)}` : 'no budget limit';
    ctx.out.line(
      `${ctx.out.style.green('✓')} Created ${ctx.out.style.bold(t.name)} (${t.tokenType}, ${budget}, ${expiryText(daysLeft(t.expireTime, now))})`,
    );
    ctx.out.line(`  value stored in the secret store: ${describeSecret(secret)}`);
    return 0;
  });
}
