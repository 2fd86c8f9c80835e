import { withRuntime } from '../context.js';
import { usageError } from '../errors.js';
import { usd } from '../render/format.js';
import { tokenView } from '../render/views.js';
import type { CommandContext } from '../spec.js';
import { parseDays, parseMoney } from '../values.js';

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : 'never');
const money = (active: boolean, balance: number | null) =>
  active && balance !== null ? usd(balance) : 'unlimited';

/** `edenai-tokens update <name> [--budget N | --top-up N] [--extend 30d]`. */
export async function run(ctx: CommandContext): Promise<number> {
  const name = ctx.args[0]!;
  const o = ctx.options;
  const budget = typeof o['budget'] === 'string' ? parseMoney('budget', o['budget']) : undefined;
  const topUp = typeof o['top-up'] === 'string' ? parseMoney('top-up', o['top-up']) : undefined;
  const extend = typeof o['extend'] === 'string' ? parseDays('extend', o['extend']) : undefined;
  if (budget !== undefined && topUp !== undefined) throw usageError('Use --budget or --top-up, not both');
  if (budget === undefined && topUp === undefined && extend === undefined) {
    throw usageError('Nothing to update: give --budget, --top-up or --extend');
  }
  return withRuntime(ctx, async ({ registry, clock }) => {
    const before = await registry.get(name);
    let after = before;
    if (budget !== undefined) after = await registry.setBudget(name, budget);
    if (topUp !== undefined) after = await registry.topUp(name, topUp);
    if (extend !== undefined) after = await registry.extend(name, extend);
    ctx.out.data({ updated: tokenView(after, clock()) });
    const changes: string[] = [];
    const [b0, b1] = [money(before.activeBalance, before.balance), money(after.activeBalance, after.balance)];
    if (b0 !== b1) changes.push(`balance ${b0} → ${b1}`);
    if (day(before.expireTime) !== day(after.expireTime)) {
      changes.push(`expiry ${day(before.expireTime)} → ${day(after.expireTime)}`);
    }
    ctx.out.line(
      `${ctx.out.style.green('✓')} Updated ${ctx.out.style.bold(after.name)}: ${changes.join(', ') || 'no change'}`,
    );
    return 0;
  });
}
