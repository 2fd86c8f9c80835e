// AlertSystem's usage checks: usage anomalies and stale tokens, from one usage query per run.

import { formatDay, parseDay } from '../core/time.js';
import type { Logger } from '../core/types.js';
import type { Alert } from '../ports/notifier.js';
import type { StateStore } from '../ports/stores.js';
import type { UsageSource } from '../ports/usage.js';
import type { ManagedToken, RegistryView } from '../registry/types.js';
import { periodKeys } from '../usage/forecast.js';
import type { DailyUsage } from '../usage/types.js';
import {
  detectStaleTokens,
  detectUsageAnomalies,
  type StaleToken,
  type TokenDailyUsage,
  type UsageAnomaly,
  type UsageAnomalyOptions,
} from './anomaly.js';

/**
 * `activity` option of AlertSystem: where daily usage comes from (a `CostClient`) and how the
 * `usage-anomaly` and `stale-token` checks judge it.
 *
 * @example
 * new AlertSystem({ registry, notifiers, activity: { source: new CostClient(), factor: 2, staleDays: 45 } });
 */
export interface ActivityOptions
  extends Pick<
    UsageAnomalyOptions,
    'metric' | 'baselineDays' | 'minHistoryDays' | 'factor' | 'deviations' | 'minFigure' | 'days'
  > {
  source: UsageSource;
  /** A managed token with no usage for this many days is stale. Default 30. */
  staleDays?: number;
}

/** `HealthReport.activity`: what the usage checks found, and which tokens they could not judge. */
export interface ActivityHealth {
  anomalies: UsageAnomaly[];
  stale: StaleToken[];
  /** Tokens too young for a usage baseline, and why. */
  skipped: { token: string; environment: string; reason: string }[];
  /** Set when usage could not be read: nothing was judged. */
  error?: string;
}

/** When AlertSystem first saw each token (day): a token younger than `staleDays` is not stale. */
const FIRST_SEEN_KEY = 'alerts/first-seen';

interface ActivityInput {
  registry: RegistryView;
  options: ActivityOptions;
  state: StateStore;
  now: Date;
  timeZone: string;
  logger: Logger;
  signal: AbortSignal | undefined;
  /** Read the first-seen marks but write none (`check()` changes no state). */
  readOnly: boolean;
}

export async function checkActivity(
  input: ActivityInput,
): Promise<{ alerts: Alert[]; health: ActivityHealth }> {
  const { registry, options, now, timeZone } = input;
  const staleDays = options.staleDays ?? 30;
  const baselineDays = options.baselineDays ?? 14;
  const today = parseDay(periodKeys(now, timeZone).daily)!;
  const from = today - Math.max(baselineDays + (options.days ?? 1), staleDays);
  const signal = input.signal ? { signal: input.signal } : undefined;
  let tokens: ManagedToken[];
  const byToken = new Map<string, DailyUsage[]>();
  try {
    tokens = await registry.list(signal);
    const records = await options.source.usage(
      { begin: formatDay(from), end: formatDay(today - 1), step: 1 },
      signal,
    );
    for (const r of records) {
      const logical = registry.parseName(r.token)?.logicalName;
      if (!logical) continue;
      const days = byToken.get(logical) ?? [];
      if (days.length === 0) byToken.set(logical, days);
      days.push({ date: r.date, cost: r.totalCost, calls: r.calls });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    input.logger.warn('alerts: usage could not be read; usage checks skipped', { error: message });
    return { alerts: [], health: { anomalies: [], stale: [], skipped: [], error: message } };
  }
  const firstSeen = await markFirstSeen(input, tokens, formatDay(today));
  const series: TokenDailyUsage[] = tokens.map((t) => ({
    token: t.name,
    environment: t.environment,
    byDay: byToken.get(t.name) ?? [],
  }));
  const { anomalies, skipped } = detectUsageAnomalies(series, { ...options, now, timeZone });
  const stale = detectStaleTokens(
    series.map((s) => {
      const seen = firstSeen[s.token];
      return seen ? { ...s, since: seen < formatDay(from) ? formatDay(from) : seen } : s;
    }),
    { now, timeZone, days: staleDays },
  );
  const current = new Map(tokens.map((t) => [t.name, t]));
  const alert = (a: UsageAnomaly | StaleToken, kind: Alert['kind'], severity: Alert['severity']): Alert => {
    const t = current.get(a.token)!;
    return {
      id: a.id,
      kind,
      severity,
      token: a.token,
      tokenName: t.tokenName,
      generation: t.generation,
      environment: a.environment,
      message: a.message,
      at: now,
    };
  };
  return {
    alerts: [
      ...anomalies.map((a) => alert(a, 'usage-anomaly', 'warning')),
      ...stale.map((s) => alert(s, 'stale-token', 'info')),
    ],
    health: { anomalies, stale, skipped },
  };
}

/** Records today as the first-seen day of tokens seen for the first time; returns every mark. */
async function markFirstSeen(
  { state, logger, readOnly }: ActivityInput,
  tokens: readonly ManagedToken[],
  today: string,
): Promise<Record<string, string>> {
  try {
    const stored = await state.get<Record<string, string>>(FIRST_SEEN_KEY);
    const marks = { ...(stored?.value ?? {}) };
    const unseen = tokens.filter((t) => marks[t.name] === undefined);
    if (unseen.length === 0 || readOnly) return marks;
    for (const t of unseen) marks[t.name] = today;
    await state.set(FIRST_SEEN_KEY, marks, { ifVersion: stored?.version ?? null });
    return marks;
  } catch (error) {
    // A concurrent run wrote the marks first (or the store is down): judge with what is known.
    logger.debug('alerts: first-seen marks not written', {
      error: error instanceof Error ? error.message : String(error),
    });
    return {};
  }
}
