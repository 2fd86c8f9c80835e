import type { Logger } from '../../core/types.js';
import type { ManagedToken } from '../../registry/types.js';
import { alertId, type CheckContext, plural, tokenAlert } from '../alert.js';
import { eachLimit } from '../each-limit.js';
import type { Alert, ExhaustionForecast, ForecastSource } from '../types.js';

/**
 * Asks the forecaster about every budgeted token (in one call with `forecastAll`, else a few at a
 * time) and alerts when the budget is forecast to run out before the token expires or its budget
 * resets. Keyed by budget period.
 */
export async function forecastAlerts(
  tokens: readonly ManagedToken[],
  source: ForecastSource,
  ctx: CheckContext,
  logger: Logger,
  concurrency = 8,
): Promise<Alert[]> {
  const alerts: Alert[] = [];
  const failed = (who: { token: string } | { tokens: number }, error: unknown) =>
    logger.warn('alerts: forecast failed', { ...who, error: (error as Error)?.message });
  const consider = (t: ManagedToken, f: ExhaustionForecast) => {
    const alert = forecastAlert(t, f, ctx);
    if (alert) alerts.push(alert);
  };
  if (source.forecastAll) {
    try {
      const byName = new Map((await source.forecastAll({ tokens })).map((f) => [f.name, f]));
      for (const t of tokens) {
        const f = byName.get(t.name);
        if (f) consider(t, f);
      }
    } catch (error) {
      failed({ tokens: tokens.length }, error);
    }
    return alerts;
  }
  await eachLimit(tokens, concurrency, async (t) => {
    try {
      consider(t, await source.forecast(t.name));
    } catch (error) {
      failed({ token: t.name }, error);
    }
  });
  return alerts;
}

/** The id a token's forecast alert has in the current budget period (or generation). */
export function forecastAlertId(t: ManagedToken, ctx: CheckContext): string {
  return alertId('exhaustion-forecast', t.name, t.generation, ctx.periods[t.balanceResetPeriod]);
}

function forecastAlert(t: ManagedToken, f: ExhaustionForecast, ctx: CheckContext): Alert | undefined {
  if (!f.exhaustsBeforeExpiry && !f.exhaustsBeforeReset) return undefined;
  const before = f.exhaustsBeforeExpiry ? 'before it expires' : `before its ${t.balanceResetPeriod} reset`;
  const when =
    f.daysUntilExhausted === null ? '' : ` in about ${plural(Math.ceil(f.daysUntilExhausted), 'day')}`;
  const period = ctx.periods[t.balanceResetPeriod];
  return tokenAlert(
    t,
    'exhaustion-forecast',
    'warning',
    `${t.name} is forecast to run out of budget${when}, ${before}`,
    ctx,
    period,
    undefined,
    { period, balance: t.balance },
  );
}
