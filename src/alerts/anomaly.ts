// Usage anomalies and stale tokens, as pure functions of daily usage: a token's day is judged
// against its own recent baseline (median and MAD, robust to the spikes being looked for), and a
// token with no usage for weeks is reported as stale. Days are whole days in the report's time
// zone, and today (still partial) is never judged.
import { formatUsd } from '../core/format.js';
import { formatDay, parseDay } from '../core/time.js';
import { periodKeys } from '../usage/forecast.js';
import type { DailyUsage } from '../usage/types.js';

/** One token's daily usage, as `UsageMonitor.tokenUsage(...).byDay` gives it. */
export interface TokenDailyUsage {
  /** Logical name. */
  token: string;
  environment: string;
  /** The token's first day (its creation, in the report's time zone); default: its first day with usage. */
  since?: string;
  /** Days with usage; missing days count as zero. */
  byDay: readonly DailyUsage[];
}

/** Options of `detectUsageAnomalies`. */
export interface UsageAnomalyOptions {
  /** The clock's now: today (in `timeZone`) is partial and is not judged. */
  now: Date;
  /** IANA time zone of the report's days. */
  timeZone: string;
  /** Judge spend (`cost`, default) or `calls`. */
  metric?: 'cost' | 'calls';
  /** Complete days before the judged one that form its baseline. Default 14. */
  baselineDays?: number;
  /** Fewer days of history than this: too young for a baseline, skipped. Default 7. */
  minHistoryDays?: number;
  /** The day must reach `factor` × the baseline median. Default 1.7. */
  factor?: number;
  /** …and exceed the median by this many robust deviations (1.4826 × MAD), so noisy tokens need more. Default 3. */
  deviations?: number;
  /** Figures below this are never anomalies (default $1, or 50 calls). */
  minFigure?: number;
  /** How many complete days, ending yesterday, to judge. Default 1 (yesterday). */
  days?: number;
}

/** A day whose usage departed from the token's baseline. Its `id` makes it once per token per day. */
export interface UsageAnomaly {
  id: string;
  token: string;
  environment: string;
  day: string;
  metric: 'cost' | 'calls';
  figure: number;
  /** Median of the baseline days. */
  baseline: number;
  /** 1.4826 × the median absolute deviation of the baseline days. */
  spread: number;
  message: string;
}

/** The result of `detectUsageAnomalies`. */
export interface UsageAnomalyResult {
  anomalies: UsageAnomaly[];
  /** Tokens not judged, and why (too young for a baseline). */
  skipped: { token: string; environment: string; reason: string }[];
}

const MAD_TO_SD = 1.4826;

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return 0;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** `byDay` as a map day number → figure, and the first day of the token's history. */
function seriesOf(t: TokenDailyUsage, metric: 'cost' | 'calls') {
  const figures = new Map<number, number>();
  let first = t.since === undefined ? undefined : parseDay(t.since);
  for (const d of t.byDay) {
    const day = parseDay(d.date);
    if (day === undefined) continue;
    figures.set(day, (figures.get(day) ?? 0) + d[metric]);
    if (t.since === undefined && (first === undefined || day < first)) first = day;
  }
  return { figures, first };
}

/** Today's day number in `timeZone`: the first day that is not complete. */
const todayIn = (now: Date, timeZone: string) => parseDay(periodKeys(now, timeZone).daily)!;

/**
 * Days whose spend (or calls) departed upward from the token's own baseline: at least `factor` ×
 * the median of the previous `baselineDays` days, and more than `deviations` robust deviations
 * above it. One anomaly per token per day; today is not judged until it is over. Drops are left to
 * the stale-token check.
 *
 * @example
 * const { anomalies, skipped } = detectUsageAnomalies(
 *   [{ token: 'prod-web-app', environment: 'prod', byDay: usage.byDay }],
 *   { now: new Date(), timeZone: 'Europe/Paris' },
 * );
 */
export function detectUsageAnomalies(
  tokens: readonly TokenDailyUsage[],
  options: UsageAnomalyOptions,
): UsageAnomalyResult {
  const metric = options.metric ?? 'cost';
  const baselineDays = options.baselineDays ?? 14;
  const minHistory = options.minHistoryDays ?? 7;
  const factor = options.factor ?? 1.7;
  const deviations = options.deviations ?? 3;
  const minFigure = options.minFigure ?? (metric === 'cost' ? 1 : 50);
  const today = todayIn(options.now, options.timeZone);
  const firstJudged = today - (options.days ?? 1);
  const out: UsageAnomalyResult = { anomalies: [], skipped: [] };
  for (const t of tokens) {
    const { figures, first } = seriesOf(t, metric);
    let judged = false;
    for (let day = firstJudged; day < today; day++) {
      const history = first === undefined ? 0 : day - first;
      if (history < minHistory) continue;
      judged = true;
      const figure = figures.get(day) ?? 0;
      if (figure < minFigure) continue;
      const window: number[] = [];
      for (let d = Math.max(first!, day - baselineDays); d < day; d++) window.push(figures.get(d) ?? 0);
      window.sort((a, b) => a - b);
      const baseline = median(window);
      const spread = MAD_TO_SD * median(window.map((v) => Math.abs(v - baseline)).sort((a, b) => a - b));
      if (figure < baseline * factor || figure <= baseline + deviations * spread) continue;
      const date = formatDay(day);
      const show = (v: number) => (metric === 'cost' ? formatUsd(v) : `${Math.round(v)} calls`);
      const ratio = baseline > 0 ? `${(figure / baseline).toFixed(1)}× ` : '';
      out.anomalies.push({
        id: `usage-anomaly:${t.token}:${date}`,
        token: t.token,
        environment: t.environment,
        day: date,
        metric,
        figure,
        baseline,
        spread,
        message: `${t.token} used ${show(figure)} on ${date}, ${ratio}its baseline of ${show(baseline)}/day (median of the ${window.length} days before)`,
      });
    }
    if (!judged) {
      const have = first === undefined ? 0 : Math.max(0, today - first);
      out.skipped.push({
        token: t.token,
        environment: t.environment,
        reason: `too young for a usage baseline: ${have} of ${minHistory} days of history`,
      });
    }
  }
  return out;
}

/** Options of `detectStaleTokens`. */
export interface StaleTokenOptions {
  now: Date;
  timeZone: string;
  /** No usage for this many complete days makes a token stale. Default 30. */
  days?: number;
}

/** A managed token nobody has used for `idleDays` days. */
export interface StaleToken {
  id: string;
  token: string;
  environment: string;
  /** The last day with usage, or null when it was never used. */
  lastUsed: string | null;
  idleDays: number;
  message: string;
}

/**
 * Tokens with no usage (no cost and no call) for `days` complete days, counted from their last day
 * with usage, else from `since`. A token younger than that is not stale yet. Orphaned keys are
 * the ones that leak: the message suggests revoking them.
 *
 * @example
 * const stale = detectStaleTokens(usageOfEveryToken, { now: new Date(), timeZone: 'UTC', days: 30 });
 */
export function detectStaleTokens(
  tokens: readonly TokenDailyUsage[],
  options: StaleTokenOptions,
): StaleToken[] {
  const limit = options.days ?? 30;
  const today = todayIn(options.now, options.timeZone);
  const out: StaleToken[] = [];
  for (const t of tokens) {
    let last: number | undefined;
    for (const d of t.byDay) {
      const day = parseDay(d.date);
      if (
        day !== undefined &&
        day < today &&
        (d.cost > 0 || d.calls > 0) &&
        (last === undefined || day > last)
      )
        last = day;
    }
    const since = last ?? (t.since === undefined ? undefined : parseDay(t.since));
    if (since === undefined) continue;
    const idleDays = today - since - (last === undefined ? 0 : 1);
    if (idleDays < limit) continue;
    const lastUsed = last === undefined ? null : formatDay(last);
    out.push({
      id: `stale-token:${t.token}:${lastUsed ?? 'never'}`,
      token: t.token,
      environment: t.environment,
      lastUsed,
      idleDays,
      message: lastUsed
        ? `${t.token} has not been used for ${idleDays} days (last use ${lastUsed}): revoke it if nothing needs it`
        : `${t.token} has had no usage for at least ${idleDays} days: revoke it if nothing needs it`,
    });
  }
  return out;
}
