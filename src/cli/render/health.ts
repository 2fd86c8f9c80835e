import type { HealthReport } from '../../alerts/types.js';

/** `health --json`: the report with every alert, errors reduced to their messages. Stable keys. */
export function healthView(report: HealthReport) {
  return {
    at: report.at.toISOString(),
    alerts: report.alerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      severity: a.severity,
      token: a.token,
      tokenName: a.tokenName,
      generation: a.generation,
      environment: a.environment,
      message: a.message,
      balance: a.balance ?? null,
      budget: a.budget ?? null,
      daysToExpiry: a.daysToExpiry ?? null,
    })),
    environments: report.environments.map((e) => ({
      environment: e.environment,
      tokens: e.tokens.map((t) => ({
        name: t.name,
        tokenName: t.tokenName,
        status: t.status,
        balance: t.balance,
        budget: t.budget,
        daysToExpiry: t.daysToExpiry,
        alerts: t.alerts.map((a) => a.id),
      })),
    })),
    sent: report.sent.map((a) => a.id),
    failures: report.failures.map((f) => ({ notifier: f.notifier, message: f.error.message })),
  };
}

/** The tutorial's closing "🔄 Rotation Status": tokens within `days` of expiry need rotating. */
export function rotationStatus(report: HealthReport, days: number): { due: string[]; text: string } {
  const due = report.environments
    .flatMap((e) => e.tokens)
    .filter((t) => t.daysToExpiry !== null && t.daysToExpiry <= days)
    .map((t) => t.name);
  const text =
    due.length === 0
      ? '✓ No rotations needed'
      : `⚠️  ${due.length} token(s) need rotation: edenai-tokens rotate --expiring-within ${days}d`;
  return { due, text: `🔄 Rotation Status\n${text}` };
}
