import type { EdenToken } from '../../ports/backend.js';
import type { EnvironmentPolicy } from '../../registry/policy.js';
import type { ManagedToken, TokensByEnvironment } from '../../registry/types.js';
import type { Style } from '../style.js';
import { daysLeft, expiryText, plural, table, usd } from './format.js';

/** Tokens expiring within this many days are flagged in listings (the first alert threshold). */
const SOON_DAYS = 14;

type Mark = 'ok' | 'warn' | 'bad';

function lowBalanceLine(t: ManagedToken, policy: EnvironmentPolicy | undefined): number | undefined {
  if (policy?.alerts?.lowBalanceAmount !== undefined) return policy.alerts.lowBalanceAmount;
  const reference = t.balanceResetAmount ?? policy?.budget?.default;
  return reference === undefined ? undefined : reference * (policy?.alerts?.lowBalanceRatio ?? 0.2);
}

function assess(t: ManagedToken | EdenToken, policy: EnvironmentPolicy | undefined, now: Date) {
  const days = daysLeft(t.expireTime, now);
  const notes: string[] = [];
  let mark: Mark = 'ok';
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
  return { days, mark, notes };
}

function row(t: ManagedToken | EdenToken, policy: EnvironmentPolicy | undefined, now: Date, style: Style) {
  const { days, mark, notes } = assess(t, policy, now);
  const icon = mark === 'ok' ? style.green('✓') : mark === 'warn' ? style.yellow('⚠') : style.red('✗');
  const balance = t.activeBalance && t.balance !== null ? usd(t.balance) : 'unlimited';
  const type = t.tokenType === 'sandbox_api_token' ? 'sandbox' : 'live';
  const expiry = expiryText(days);
  return [
    icon,
    t.name,
    type,
    balance,
    days !== null && days <= SOON_DAYS ? style.yellow(expiry) : expiry,
    notes.length > 0 ? style.dim(notes.join(', ')) : '',
  ];
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
    const tokens = groups[env] ?? [];
    sections.push({ title: env, rows: tokens.map((t) => row(t, environments[env], now, style)) });
  }
  if (!only && groups.unmanaged.length > 0) {
    sections.push({ title: 'unmanaged', rows: groups.unmanaged.map((t) => row(t, undefined, now, style)) });
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
