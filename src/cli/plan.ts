// The declarative commands: plan (what would change to match a config file) and apply (do it).
import { formatDate, formatUsd } from '../core/format.js';
import type { ApplyResult, DesiredState, Plan, PlanAction } from '../index-node.js';
import { loadConfigWithOverride } from './config.js';
import { classifyError, cliWording, ExitCode, usageError } from './errors.js';
import { plural, table } from './format.js';
import type { Style } from './output.js';
import { checkSecrets, type Runtime, withRuntime } from './runtime.js';
import type { CommandContext } from './spec.js';
import { parsePositiveInt } from './values.js';

const MONEY_FIELDS = new Set(['balance', 'balanceResetAmount']);

function value(field: string, v: unknown): string {
  if (v === null || v === undefined) return field === 'expireTime' ? 'never' : 'none';
  if (v instanceof Date) return formatDate(v);
  if (typeof v === 'number' && MONEY_FIELDS.has(field)) return formatUsd(v);
  return String(v);
}

function describe(a: PlanAction): string {
  if (a.type === 'delete') return 'delete every generation and its secret entry';
  if (a.type === 'update')
    return a.changes.map((c) => `${c.field} ${value(c.field, c.from)} → ${value(c.field, c.to)}`).join(', ');
  const parts = [a.budget === undefined ? 'no budget limit' : `budget ${formatUsd(a.budget)}`];
  parts.push(a.expiresInDays === undefined ? 'no expiry' : `expires in ${a.expiresInDays} days`);
  if (a.resetPeriod && a.resetPeriod !== 'none') parts.push(`refills ${a.resetPeriod}`);
  return parts.join(', ');
}

function planSummary(plan: Plan): { create: number; update: number; delete: number } {
  const count = (t: PlanAction['type']) => plan.actions.filter((a) => a.type === t).length;
  return { create: count('create'), update: count('update'), delete: count('delete') };
}

/** Terraform-style: `+` create, `~` update, `-` delete, one aligned line each. */
export function renderPlan(plan: Plan, style: Style): string {
  if (plan.actions.length === 0) return `${style.green('✓')} Nothing to do: every token matches the config.`;
  const s = planSummary(plan);
  const sign = { create: style.green('+'), update: style.yellow('~'), delete: style.red('-') };
  const rows = plan.actions.map((a) => [sign[a.type], a.name, style.dim(describe(a))]);
  return [
    style.bold(`Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete`),
    ...table(rows, { indent: '  ' }),
  ].join('\n');
}

const VERB = { create: 'Created', update: 'Updated', delete: 'Deleted' } as const;
const DONE = { create: 'created', update: 'updated', delete: 'deleted' } as const;

/**
 * After the plan was shown: the failures (each action with `verbose`), then one summary line.
 * The plan already named every token, so a success needs no line of its own.
 */
export function renderApplyResult(result: ApplyResult, style: Style, verbose = false): string {
  const lines: string[] = [];
  for (const r of result.results) {
    if (r.ok && verbose) lines.push(`${style.green('✓')} ${VERB[r.action.type]} ${r.action.name}`);
    if (!r.ok) {
      const why = cliWording(r.error?.message.split('\n')[0] ?? 'unknown error');
      lines.push(`${style.red('✗')} ${r.action.type} ${r.action.name} failed: ${why}`);
    }
  }
  const done = (['create', 'update', 'delete'] as const)
    .map((t) => [t, result.results.filter((r) => r.ok && r.action.type === t).length] as const)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${n} ${DONE[t]}`);
  const head = `${result.failed > 0 ? style.red('✗') : style.green('✓')} Applied ${result.succeeded} of ${plural(result.results.length, 'change')}`;
  const failed = result.failed > 0 ? `; ${result.failed} failed` : '';
  lines.push(style.bold(`${head}${done.length ? `: ${done.join(', ')}` : ''}${failed}`));
  return lines.join('\n');
}

/** Loads the config (the file argument overriding --config) and computes the plan. */
async function withPlan<T>(ctx: CommandContext, work: (rt: Runtime, plan: Plan) => Promise<T>): Promise<T> {
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
export async function plan(ctx: CommandContext): Promise<number> {
  return withPlan(ctx, async (_rt, p) => {
    ctx.out.data({ plan: p, summary: planSummary(p) });
    ctx.out.block(renderPlan(p, ctx.out.style));
    return 0;
  });
}

/** `edenai-tokens apply [config] [--prune] [--refill] [--concurrency N] [--verbose]`. */
export async function apply(ctx: CommandContext): Promise<number> {
  const c = ctx.options['concurrency'];
  const concurrency = typeof c === 'string' ? parsePositiveInt('concurrency', c) : undefined;
  return withPlan(ctx, async (rt, p) => {
    ctx.out.block(renderPlan(p, ctx.out.style));
    if (p.actions.length === 0) {
      ctx.out.data({ plan: p, results: [], succeeded: 0, failed: 0 });
      return ExitCode.ok;
    }
    if (p.actions.some((a) => a.type !== 'update')) await checkSecrets(rt, ctx.cwd);
    ctx.out.line();
    const progress = ctx.out.progress('Applying');
    const result = await rt.registry
      .apply(p, { ...(concurrency ? { concurrency } : {}), onProgress: (e) => progress.update(e) })
      .finally(() => progress.finish());
    const results = await Promise.all(
      result.results.map(async (r) => ({
        type: r.action.type,
        name: r.action.name,
        ok: r.ok,
        ...(r.error ? { error: await classifyError(r.error) } : {}),
      })),
    );
    ctx.out.data({ plan: p, results, succeeded: result.succeeded, failed: result.failed });
    ctx.out.block(renderApplyResult(result, ctx.out.style, Boolean(ctx.options['verbose'])));
    return result.failed > 0 ? ExitCode.partial : ExitCode.ok;
  });
}
