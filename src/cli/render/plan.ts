import type { ApplyResult, Plan, PlanAction } from '../../registry/types.js';
import type { Style } from '../style.js';
import { table, usd } from './format.js';

const MONEY_FIELDS = new Set(['balance', 'balanceResetAmount']);

function value(field: string, v: unknown): string {
  if (v === null || v === undefined) return field === 'expireTime' ? 'never' : 'none';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number' && MONEY_FIELDS.has(field)) return usd(v);
  return String(v);
}

function describe(a: PlanAction): string {
  if (a.type === 'delete') return 'delete every generation and its secret entry';
  if (a.type === 'update')
    return a.changes.map((c) => `${c.field} ${value(c.field, c.from)} → ${value(c.field, c.to)}`).join(', ');
  const parts = [a.budget === undefined ? 'no budget limit' : `budget ${usd(a.budget)}`];
  parts.push(a.expiresInDays === undefined ? 'no expiry' : `expires in ${a.expiresInDays} days`);
  if (a.resetPeriod && a.resetPeriod !== 'none') parts.push(`refills ${a.resetPeriod}`);
  return parts.join(', ');
}

export function planSummary(plan: Plan): { create: number; update: number; delete: number } {
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

/** One line per action, like the tutorial's "✓ Created dev-web-app", then the totals. */
export function renderApplyResult(result: ApplyResult, style: Style): string {
  const lines = result.results.map((r) =>
    r.ok
      ? `${style.green('✓')} ${VERB[r.action.type]} ${r.action.name}`
      : `${style.red('✗')} ${r.action.type} ${r.action.name} failed: ${r.error?.message.split('\n')[0] ?? 'unknown error'}`,
  );
  lines.push('', `${result.succeeded} succeeded, ${result.failed} failed`);
  return lines.join('\n');
}
