import type { Logger } from '../../core/types.js';
import type { ManagedToken } from '../../registry/types.js';
import { type CheckContext, plural, tokenAlert } from '../alert.js';
import { eachLimit } from '../each-limit.js';
import type { Alert, ForecastSource } from '../types.js';

export interface ForecastResult {
  alerts: Alert[];
  /** Tokens whose forecast failed: their earlier forecast alerts are kept, not cleared. */
  unknown: Set<string>;
}

/**
 * Asks the forecaster about every budgeted token (a few at a time) and alerts when the budget is
 * forecast to run out before the token expires or its budget resets. Keyed by budget period.
 */
export async function forecastAlerts(
  tokens: readonly ManagedToken[],
  source: ForecastSource,
  ctx: CheckContext,
  logger: Logger,
  concurrency = 8,
): Promise<ForecastResult> {
  const alerts: Alert[] = [];
  const unknown = new Set<string>();
  await eachLimit(tokens, concurrency, async (t) => {
    try {
      const f = await source.forecast(t.name);
      if (!f.exhaustsBeforeExpiry && !f.exhaustsBeforeReset) return;
      const before = f.exhaustsBeforeExpiry
        ? 'before it expires'
        : `before its ${t.balanceResetPeriod} reset`;
      const when =
        f.daysUntilExhausted === null ? '' : ` in about ${plural(Math.ceil(f.daysUntilExhausted), 'day')}`;
      const period = ctx.periods[t.balanceResetPeriod];
      alerts.push(
        tokenAlert(
          t,
          'exhaustion-forecast',
          'warning',
          `${t.name} is forecast to run out of budget${when}, ${before}`,
          ctx,
          period,
          undefined,
          { period, balance: t.balance },
        ),
      );
    } catch (error) {
      unknown.add(t.name);
      logger.warn('alerts: forecast failed', { token: t.name, error: (error as Error)?.message });
    }
  });
  return { alerts, unknown };
}
