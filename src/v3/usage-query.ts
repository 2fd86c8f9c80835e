/**
 * v3 usage queries: the SDK takes inclusive `begin..end` days like v2; Eden's v3 `end` is
 * EXCLUSIVE and a request may span at most 366 days, so a range becomes one or more windows
 * `[begin, end + 1 day)` of at most 366 days each.
 */

import { InvalidInputError } from '../core/errors.js';
import { toDay } from '../http/wire.js';
import type { ManagementUsageQuery } from './types.js';

/**
 * Eden's longest v3 usage range, in days; `usage()` splits longer ones into windows.
 * @example const windows = Math.ceil(days / MAX_USAGE_RANGE_DAYS);
 */
export const MAX_USAGE_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;
const STEPS = new Set([1, 2, 3, 4]);
const BILLING = new Set(['eden', 'own_keys', 'all']);

function invalid(field: string, message: string): never {
  throw new InvalidInputError(message, { field });
}

function dayNumber(field: 'begin' | 'end', value: unknown): number {
  const day = value instanceof Date || typeof value === 'string' ? toDay(value) : undefined;
  if (!day) invalid(field, `${field} must be a valid Date or a YYYY-MM-DD string`);
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}

const formatDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

function filter(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    invalid(field, `${field} must be a string of 1 to 200 characters`);
  }
  return value;
}

/** One request's query string values: `end` already exclusive. */
export type UsageParams = Record<string, string | number | undefined>;

/**
 * Validates `query` (nothing is sent when it is bad) and returns one parameter set per window,
 * in date order.
 */
export function usageWindows(query: ManagementUsageQuery, maxDays = MAX_USAGE_RANGE_DAYS): UsageParams[] {
  if (query === null || typeof query !== 'object') invalid('query', 'usage() needs { begin, end }');
  const begin = dayNumber('begin', query.begin);
  const end = dayNumber('end', query.end);
  if (begin > end) invalid('begin', `begin (${formatDay(begin)}) is after end (${formatDay(end)})`);
  const step = query.step ?? 1;
  if (!STEPS.has(step))
    invalid('step', `step must be 1 (daily), 2 (weekly), 3 (monthly) or 4 (yearly); got ${step}`);
  if (query.billing !== undefined && !BILLING.has(query.billing))
    invalid('billing', `billing must be one of eden, own_keys, all; got ${JSON.stringify(query.billing)}`);
  const filters = {
    token: filter('token', query.token),
    provider: filter('provider', query.provider),
    feature: filter('feature', query.feature),
    subfeature: filter('subfeature', query.subfeature),
    billing: query.billing,
  };
  const windows: UsageParams[] = [];
  for (let start = begin; start <= end; start += maxDays) {
    const last = Math.min(start + maxDays - 1, end);
    windows.push({ begin: formatDay(start), end: formatDay(last + 1), step, ...filters });
  }
  return windows;
}
