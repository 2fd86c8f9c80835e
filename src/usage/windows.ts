// Eden's cost API refuses long ranges (366 days per request by default), so a long range is
// cut into windows fetched with bounded concurrency and merged. Windows never overlap, so
// merging is concatenation: no record is counted twice.
import pLimit, { type LimitFunction } from 'p-limit';
import { InvalidInputError, isEdenAIError } from '../core/errors.js';
import { type DateRangeInput, type DayRange, formatDay, parseRange } from '../core/time.js';
import type { RequestOptions } from '../core/types.js';
import type { UsageQuery, UsageRecord, UsageSource } from '../ports/usage.js';

/**
 * Eden's longest accepted `begin..end` range, in days.
 * @example splitRange(range, DEFAULT_MAX_RANGE_DAYS);
 */
export const DEFAULT_MAX_RANGE_DAYS = 366;
/**
 * Requests in flight at once.
 * @example fetchWindowed(source, range, { concurrency: DEFAULT_CONCURRENCY });
 */
export const DEFAULT_CONCURRENCY = 4;

/** The filter part of a query: everything but the dates. */
export type UsageFilter = Omit<UsageQuery, 'begin' | 'end'>;

export interface FetchWindowedOptions extends RequestOptions {
  /** One query per filter and window. Default: one unfiltered query per window. */
  filters?: readonly UsageFilter[];
  /** Longest window, in days (both ends inclusive). Default 366. */
  maxRangeDays?: number;
  /** Requests in flight at once when no `limit` is given. Default 4. */
  concurrency?: number;
  /** A shared limiter (e.g. one per monitor, so parallel calls share the bound). */
  limit?: LimitFunction;
}

/** Throws `InvalidInputError` unless `value` is an integer ≥ 1. */
export function assertPositiveInteger(value: unknown, field: string): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new InvalidInputError(`${field} must be an integer ≥ 1, got ${String(value)}`, { field });
  }
}

/**
 * Splits an inclusive range into consecutive windows of at most `maxDays` days each.
 *
 * @example
 * ```ts
 * splitRange({ from: '2023-01-01', to: '2024-12-31' }, 366);
 * // [{ from: '2023-01-01', to: '2024-01-01' }, { from: '2024-01-02', to: '2024-12-31' }]
 * ```
 */
export function splitRange(range: DateRangeInput, maxDays: number = DEFAULT_MAX_RANGE_DAYS): DayRange[] {
  assertPositiveInteger(maxDays, 'maxRangeDays');
  const { from, to } = parseRange(range);
  const windows: DayRange[] = [];
  for (let start = from; start <= to; start += maxDays) {
    windows.push({ from: formatDay(start), to: formatDay(Math.min(start + maxDays - 1, to)) });
  }
  return windows;
}

/**
 * Fetches `range` from `source` in windows the cost API accepts, at most `concurrency`
 * requests at a time, and merges the records. A 404 ("no data for these filters") counts as
 * no records; any other error rejects.
 *
 * @example
 * ```ts
 * const records = await fetchWindowed(new CostClient(), { from: '2022-01-01', to: '2024-12-31' },
 *   { filters: [{ token: 'prod-web-app' }, { token: 'prod-web-app--g2' }], concurrency: 2 });
 * ```
 */
export async function fetchWindowed(
  source: UsageSource,
  range: DateRangeInput,
  options: FetchWindowedOptions = {},
): Promise<UsageRecord[]> {
  const {
    filters = [{}],
    maxRangeDays = DEFAULT_MAX_RANGE_DAYS,
    concurrency = DEFAULT_CONCURRENCY,
  } = options;
  const windows = splitRange(range, maxRangeDays);
  if (!options.limit) assertPositiveInteger(concurrency, 'concurrency');
  const limit = options.limit ?? pLimit(concurrency);
  const requestOptions: RequestOptions = {};
  if (options.signal) requestOptions.signal = options.signal;
  if (options.timeoutMs !== undefined) requestOptions.timeoutMs = options.timeoutMs;
  if (options.maxRetries !== undefined) requestOptions.maxRetries = options.maxRetries;

  const jobs: UsageQuery[] = [];
  for (const filter of filters) {
    for (const w of windows) jobs.push({ step: 1, ...filter, begin: w.from, end: w.to });
  }
  const parts = await Promise.all(
    jobs.map((query) => limit(() => fetchOne(source, query, requestOptions, options.signal))),
  );
  // One part (the common case): hand it over as is instead of copying a million references.
  return parts.length === 1 ? parts[0]! : parts.flat();
}

async function fetchOne(
  source: UsageSource,
  query: UsageQuery,
  requestOptions: RequestOptions,
  signal: AbortSignal | undefined,
): Promise<UsageRecord[]> {
  signal?.throwIfAborted();
  try {
    return await source.usage(query, requestOptions);
  } catch (error) {
    // Eden answers 404 when a window holds no data for the filters.
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** True for the SDK's "not found" (a `NotFoundError`, or any SDK error carrying status 404). */
export function isNotFound(error: unknown): boolean {
  return (
    isEdenAIError(error) && (error.name === 'NotFoundError' || (error as { status?: unknown }).status === 404)
  );
}
