// The token commands: list, get, create, update, delete. Their human output, and their `--json`
// views, built field by field so nothing an SDK object carries (a `secret`, unknown server fields)
// can reach the output.
import { formatDate, formatUsd } from '../core/format.js';
import type {
  EdenToken,
  EnvironmentPolicy,
  ManagedToken,
  ResetPeriod,
  SecretStore,
  TokensByEnvironment,
} from '../index-node.js';
import { CliError, ExitCode, usageError } from './errors.js';
import { balanceText, daysLeft, expiryText, naturalCompare, plural, table } from './format.js';
import type { Style } from './output.js';
import { checkSecrets, withRuntime } from './runtime.js';
import type { CommandContext } from './spec.js';
import { oneOf, parseDays, parseMoney } from './values.js';

/** What `--json` prints for a token. Keys are stable. */
export interface TokenView {
  name: string;
  tokenName: string;
  generation: number;
  environment: string;
  app: string;
  tokenType: string;
  budget: number | null;
  budgetSource: string | null;
  balance: number | null;
  activeBalance: boolean;
  expireTime: string | null;
  daysLeft: number | null;
  balanceResetPeriod: string;
  balanceResetAmount: number | null;
  secretRef: string;
  generations: string[];
}

export function tokenView(t: ManagedToken, now: Date): TokenView {
  return {
    name: t.name,
    tokenName: t.tokenName,
    generation: t.generation,
    environment: t.environment,
    app: t.app,
    tokenType: t.tokenType,
    budget: t.budget,
    budgetSource: t.budgetSource,
    balance: t.balance,
    activeBalance: t.activeBalance,
    expireTime: t.expireTime?.toISOString() ?? null,
    daysLeft: daysLeft(t.expireTime, now),
    balanceResetPeriod: t.balanceResetPeriod,
    balanceResetAmount: t.balanceResetAmount,
    secretRef: t.secretRef,
    generations: [...t.generations],
  };
}

function unmanagedView(t: EdenToken, now: Date) {
  return {
    name: t.name,
    tokenType: t.tokenType,
    balance: t.balance,
    activeBalance: t.activeBalance,
    expireTime: t.expireTime?.toISOString() ?? null,
    daysLeft: daysLeft(t.expireTime, now),
  };
}

/** What the CLI may say about a stored token value: where it is and its fingerprint. Never the value. */
interface SecretInfo {
  ref: string;
  stored: boolean;
  /** 8 hex chars of SHA-256, enough to tell two values apart; `null` when unreadable. */
  fingerprint: string | null;
  /** Why the store could not be read (a missing passphrase…), when it could not. */
  problem?: string;
}

async function secretInfo(secrets: SecretStore, ref: string): Promise<SecretInfo> {
  try {
    const entry = await secrets.get(ref);
    return { ref, stored: entry !== undefined, fingerprint: entry?.value.fingerprint ?? null };
  } catch (error) {
    return { ref, stored: false, fingerprint: null, problem: (error as Error).message };
  }
}

function describeSecret(info: SecretInfo): string {
  if (info.problem) return `${info.ref} (unreadable: ${info.problem})`;
  return info.stored ? `${info.ref}  fp:${info.fingerprint}` : `${info.ref} (no entry)`;
}

/** Tokens expiring within this many days are flagged in listings (the first alert threshold). */
const SOON_DAYS = 14;

function lowBalanceLine(t: ManagedToken, policy: EnvironmentPolicy | undefined): number | undefined {
  if (policy?.alerts?.lowBalanceAmount !== undefined) return policy.alerts.lowBalanceAmount;
  const reference = t.budget ?? undefined;
  return reference === undefined ? undefined : reference * (policy?.alerts?.lowBalanceRatio ?? 0.2);
}

function listingRow(
  t: ManagedToken | EdenToken,
  policy: EnvironmentPolicy | undefined,
  now: Date,
  style: Style,
) {
  const days = daysLeft(t.expireTime, now);
  const notes: string[] = [];
  let mark: 'ok' | 'warn' | 'bad' = 'ok';
  if (days !== null && days <= 0) mark = 'bad';
  else if (days !== null && days <= SOON_DAYS) mark = 'warn';
  if ('secretRef' in t && t.activeBalance && t.balance !== null) {
    const line = lowBalanceLine(t, policy);
    if (t.balance <= 0) {
      mark = 'bad';
      notes.push('balance exhausted');
    } else if (line !== undefined && t.balance < line) {
      if (mark === 'ok') mark = 'warn';
      notes.push('low balance');
    }
  }
  if ('generations' in t && t.generations.length > 1)
    notes.push(`rotating: ${plural(t.generations.length, 'live generation')}`);
  const icon = mark === 'ok' ? style.green('✓') : mark === 'warn' ? style.yellow('⚠') : style.red('✗');
  const expiry = expiryText(days);
  return [
    icon,
    t.name,
    t.tokenType === 'sandbox_api_token' ? 'sandbox' : 'live',
    balanceText(t),
    days !== null && days <= SOON_DAYS ? style.yellow(expiry) : expiry,
    notes.length > 0 ? style.dim(notes.join(', ')) : '',
  ];
}

/** Tokens in natural name order (`svc2` before `svc10`). */
function byName<T extends { name: string }>(tokens: readonly T[]): T[] {
  return [...tokens].sort((a, b) => naturalCompare(a.name, b.name));
}

/**
 * The tutorial's "Tokens by Environment", as one aligned table: every declared environment in
 * order (empty ones too), unmanaged tokens last. Shows names, budgets and expiry, never values.
 */
export function renderTokensByEnvironment(
  groups: TokensByEnvironment,
  environments: Readonly<Record<string, EnvironmentPolicy>>,
  now: Date,
  style: Style,
  only?: string,
): string {
  const sections: { title: string; rows: string[][] }[] = [];
  for (const env of Object.keys(environments)) {
    if (only && env !== only) continue;
    const rows = byName(groups[env] ?? []).map((t) => listingRow(t, environments[env], now, style));
    sections.push({ title: env, rows });
  }
  if (!only && groups.unmanaged.length > 0) {
    const rows = byName(groups.unmanaged).map((t) => listingRow(t, undefined, now, style));
    sections.push({ title: 'unmanaged', rows });
  }
  // Align columns across every section, so balances line up down the whole listing.
  const all = table(
    sections.flatMap((s) => s.rows),
    { right: [3], indent: '  ' },
  );
  const lines: string[] = [];
  let i = 0;
  for (const s of sections) {
    if (lines.length > 0) lines.push('');
    lines.push(
      `${style.bold(`${s.title.toUpperCase()}:`)}${s.rows.length ? '' : style.dim('  (no tokens)')}`,
    );
    for (let k = 0; k < s.rows.length; k++) lines.push(all[i++]!);
  }
  return lines.join('\n');
}

/** `edenai-tokens list [--environment E]`. */
export async function list(ctx: CommandContext): Promise<number> {
  const only = ctx.options['environment'] as string | undefined;
  return withRuntime(ctx, async ({ registry, clock }) => {
    if (only) registry.policyFor(only); // an unknown environment is a usage error, before any request
    const groups = await registry.byEnvironment();
    const now = clock();
    const envs = Object.keys(registry.environments).filter((e) => !only || e === only);
    ctx.out.data({
      environments: Object.fromEntries(
        envs.map((e) => [e, byName(groups[e] ?? []).map((t) => tokenView(t, now))]),
      ),
      unmanaged: only ? [] : byName(groups.unmanaged).map((t) => unmanagedView(t, now)),
    });
    ctx.out.block(renderTokensByEnvironment(groups, registry.environments, now, ctx.out.style, only));
    return 0;
  });
}

/** `edenai-tokens get <name>`: one token's details and its secret's fingerprint. */
export async function get(ctx: CommandContext): Promise<number> {
  const name = ctx.args[0]!;
  return withRuntime(ctx, async ({ registry, secrets, clock }) => {
    const t = await registry.get(name);
    const now = clock();
    const secret = await secretInfo(secrets, t.secretRef);
    ctx.out.data({ token: tokenView(t, now), secret });
    const expires = t.expireTime
      ? `${formatDate(t.expireTime)} (${expiryText(daysLeft(t.expireTime, now))})`
      : 'never';
    const reset =
      t.balanceResetPeriod === 'none'
        ? []
        : [['refills', `${t.balanceResetPeriod} to ${formatUsd(t.balanceResetAmount ?? 0)}`]];
    ctx.out.line(ctx.out.style.bold(t.name));
    ctx.out.block(
      table(
        [
          ['environment', t.environment],
          ['app', t.app],
          ['type', t.tokenType],
          ['balance', balanceText(t)],
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

/** `edenai-tokens create <env> <app> [--budget N] [--expires-in 90d] [--reset-period P]`. */
export async function create(ctx: CommandContext): Promise<number> {
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
  return withRuntime(ctx, async (rt) => {
    const { registry, secrets, clock } = rt;
    await checkSecrets(rt, ctx.cwd);
    const t = await registry.create(input);
    const now = clock();
    const secret = await secretInfo(secrets, t.secretRef);
    ctx.out.data({ created: tokenView(t, now), secret });
    const budget =
      t.activeBalance && t.balance !== null ? `budget ${formatUsd(t.balance)}` : 'no budget limit';
    const { style } = ctx.out;
    ctx.out.line(
      `${style.green('✓')} Created ${style.bold(t.name)} (${t.tokenType}, ${budget}, ${expiryText(daysLeft(t.expireTime, now))})`,
    );
    ctx.out.line(`  value stored in the secret store: ${describeSecret(secret)}`);
    return 0;
  });
}

const day = (d: Date | null) => (d ? formatDate(d) : 'never');

/** `edenai-tokens update <name> [--budget N | --top-up N] [--extend 30d]`. */
export async function update(ctx: CommandContext): Promise<number> {
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
    const [b0, b1] = [balanceText(before), balanceText(after)];
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

/**
 * `edenai-tokens delete <name> [--yes]`: revokes every live generation and removes the secret
 * entry. Irreversible, so it asks first on a terminal and wants `--yes` anywhere else.
 */
export async function remove(ctx: CommandContext): Promise<number> {
  const name = ctx.args[0]!;
  const yes = Boolean(ctx.options['yes']);
  if (!yes && !ctx.stdin.isTTY) {
    throw usageError(`Deleting ${name} cannot be undone: confirm with --yes`);
  }
  return withRuntime(ctx, async (rt) => {
    const { registry } = rt;
    const t = await registry.get(name);
    await checkSecrets(rt, ctx.cwd);
    const { style } = ctx.out;
    const what = (name: string) =>
      `${name} (${t.generations.join(', ')}) and its secret entry ${t.secretRef}`;
    if (!yes && !(await ctx.out.confirm(`Revoke ${what(t.name)}?`, ctx.stdin))) {
      throw new CliError(`Not deleted: ${t.name} was not confirmed`, ExitCode.usage, 'not_confirmed');
    }
    await registry.revoke(t.name);
    ctx.out.data({ deleted: t.name, generations: t.generations, secretRef: t.secretRef });
    ctx.out.line(`${style.green('✓')} Deleted ${what(style.bold(t.name))}`);
    return 0;
  });
}
