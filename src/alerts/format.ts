// Alerts as text for people: the health report, and what notifiers share to show a severity.
import type { Alert, Severity } from '../ports/notifier.js';
import type { ActivityHealth } from './activity.js';
import { plural, SEVERITY_RANK, usd } from './checks.js';
import type { HealthReport, TokenHealth } from './types.js';

const RULE = '='.repeat(60);
const LINE = '-'.repeat(60);
/** The mark of each severity, in reports and notifier messages alike. */
export const SEVERITY_ICON: Readonly<Record<Severity, string>> = {
  critical: '🔴',
  warning: '🟡',
  info: '🔵',
};
const MARK: Record<TokenHealth['status'], string> = { ok: '✓', warning: '⚠️', critical: '🔴' };

/**
 * Renders a health report as text, like the tutorial's "Token Health Report": expiring tokens,
 * low balances ("✓ All token balances adequate" when none), the account's credits against the
 * allocated budgets (when the report has them), other alerts, then every token by
 * environment with ✓ / ⚠️ / 🔴, its balance and days to expiry. Never shows a token value.
 *
 * @example
 * console.log(formatHealthReport(await alerts.run()));
 */
export function formatHealthReport(report: HealthReport): string {
  const out: string[] = [RULE, 'Token Health Report', RULE, ''];
  const expiry = report.alerts.filter((a) => a.kind === 'expiring' || a.kind === 'expired');
  const low = report.alerts.filter((a) => a.kind === 'low-balance');
  const usage = report.alerts.filter((a) => a.kind === 'usage-anomaly' || a.kind === 'stale-token');
  const other = report.alerts.filter((a) => !expiry.includes(a) && !low.includes(a) && !usage.includes(a));

  if (expiry.length > 0) {
    out.push('⚠️  EXPIRING TOKENS:', LINE);
    for (const a of expiry)
      out.push(`${SEVERITY_ICON[a.severity]} ${a.token}`, `   ${expiryText(a.daysToExpiry ?? 0)}`);
  } else out.push('✓ No tokens expiring soon');
  out.push('');

  if (low.length > 0) {
    out.push('⚠️  LOW BALANCE TOKENS:', LINE);
    for (const a of low) {
      const of = a.budget ? ` of ${usd(a.budget)}` : '';
      out.push(`${SEVERITY_ICON[a.severity]} ${a.token}`, `   Balance: ${usd(a.balance ?? 0)}${of}`);
    }
  } else out.push('✓ All token balances adequate');
  out.push('');

  if (report.account) {
    const { credits, allocated, alerts } = report.account;
    const mark = alerts.length > 0 ? '⚠️ ' : '✓';
    out.push(`${mark} Account credits: ${usd(credits)} (allocated token budgets: ${usd(allocated)})`, '');
  }

  if (report.activity) out.push(...activityLines(report.activity), '');

  if (other.length > 0) {
    out.push('⚠️  OTHER ALERTS:', LINE);
    for (const a of other) out.push(`${SEVERITY_ICON[a.severity]} ${a.token}`, `   ${a.message}`);
    out.push('');
  }
  if (report.failures.length > 0) {
    out.push('❌ NOTIFIER FAILURES:', LINE);
    for (const f of report.failures) out.push(`   ${f.notifier}: ${f.error.message}`);
    out.push('');
  }
  out.push(RULE, '', '🗂️  Tokens by Environment');

  for (const env of report.environments) {
    out.push('', `${env.environment.toUpperCase()}:`);
    if (env.tokens.length === 0) out.push('  (no tokens)');
    for (const t of env.tokens) {
      out.push(`  ${MARK[t.status]} ${t.name}`);
      if (t.balance !== null) out.push(`     Balance: ${usd(t.balance)}`);
      if (t.daysToExpiry !== null) {
        out.push(
          `     ${t.daysToExpiry > 0 ? `Expires in: ${plural(t.daysToExpiry, 'day')}` : expiryText(t.daysToExpiry)}`,
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/** The usage checks' section: anomalies, stale tokens, and what could not be judged. */
function activityLines(activity: ActivityHealth): string[] {
  if (activity.error) return [`⚠️  Usage checks skipped: ${activity.error}`];
  const out: string[] = [];
  if (activity.anomalies.length > 0) {
    out.push('⚠️  USAGE ANOMALIES:', LINE);
    for (const a of activity.anomalies) out.push(`${SEVERITY_ICON.warning} ${a.token}`, `   ${a.message}`);
  } else out.push('✓ No usage anomalies');
  if (activity.stale.length > 0) {
    out.push('', '🔵 STALE TOKENS:', LINE);
    for (const s of activity.stale) out.push(`${SEVERITY_ICON.info} ${s.token}`, `   ${s.message}`);
  }
  if (activity.skipped.length > 0)
    out.push(`   (${plural(activity.skipped.length, 'token')} too young for a usage baseline)`);
  return out;
}

function expiryText(days: number): string {
  if (days > 0) return `Expires in ${plural(days, 'day')}`;
  return days === 0 ? 'Expired today' : `Expired ${plural(-days, 'day')} ago`;
}

/**
 * Alerts sorted by severity, worst first (stable within a severity): handy for notifier summaries.
 *
 * @example
 * const [worst] = sortBySeverity(report.alerts);
 */
export function sortBySeverity(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}
