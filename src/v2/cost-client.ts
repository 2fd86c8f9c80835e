import { InvalidInputError, NotFoundError } from '../core/errors.js';
import type { RequestOptions } from '../core/types.js';
import { type ClientOptions, resolveOptions } from '../http/options.js';
import { RequestCore } from '../http/request-core.js';
import { toDay } from '../http/wire.js';
import type { UsageQuery, UsageRecord, UsageSource } from '../ports/usage.js';
import { assertUsageOf, creditsSchema, usageSchema } from './schemas.js';

const STEPS = new Set([1, 2, 3, 4]);

function invalid(field: string, message: string): never {
  throw new InvalidInputError(message, { field });
}

function day(field: 'begin' | 'end', value: unknown): string {
  const result = value instanceof Date || typeof value === 'string' ? toDay(value) : undefined;
  return result ?? invalid(field, `${field} must be a valid Date or a YYYY-MM-DD string`);
}

function filter(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    invalid(field, `${field} must be a string of 1 to 200 characters`);
  }
  return value;
}

/** Eden answers "no data for these filters" with `404 {"details":"Not Found"}`. */
function isNoData(error: unknown): boolean {
  const body = (error as { body?: unknown }).body;
  return error instanceof NotFoundError && typeof body === 'object' && body !== null && 'details' in body;
}

/**
 * Eden AI v2 cost management: per-token usage and account credits. Implements `UsageSource`.
 * It sends one request per call; splitting long ranges is the usage layer's job.
 *
 * @example
 * const costs = new CostClient({ apiKey: process.env.EDENAI_API_KEY });
 * const records = await costs.usage({ begin: '2026-01-01', end: '2026-01-31', token: 'prod-web-app' });
 * const usd = await costs.credits();
 */
export class CostClient implements UsageSource {
  readonly #core: RequestCore;

  constructor(options: ClientOptions = {}) {
    this.#core = new RequestCore(resolveOptions(options));
  }

  /**
   * Flat usage records `{ token, date, feature, totalCost, calls, costPerProvider }` for
   * `begin..end` (both inclusive; a `Date` stands for its UTC day). `step`: 1 daily (default),
   * 2 weekly, 3 monthly, 4 yearly. No data gives `[]`.
   *
   * @example
   * const daily = await costs.usage({ begin: new Date('2026-03-01'), end: new Date('2026-03-07') });
   * const total = daily.reduce((sum, r) => sum + r.totalCost, 0);
   */
  async usage(query: UsageQuery, options?: RequestOptions): Promise<UsageRecord[]> {
    if (query === null || typeof query !== 'object') invalid('query', 'usage() needs { begin, end }');
    const begin = day('begin', query.begin);
    const end = day('end', query.end);
    if (begin > end) invalid('begin', `begin (${begin}) is after end (${end})`);
    const step = query.step ?? 1;
    if (!STEPS.has(step))
      invalid('step', `step must be 1 (daily), 2 (weekly), 3 (monthly) or 4 (yearly); got ${step}`);
    const searchParams = {
      begin,
      end,
      step,
      token: filter('token', query.token),
      provider: filter('provider', query.provider),
      subfeature: filter('subfeature', query.subfeature),
    };
    let records: UsageRecord[];
    try {
      records = await this.#core.request({
        method: 'GET',
        path: 'cost_management/',
        query: searchParams,
        schema: usageSchema,
        options,
      });
    } catch (error) {
      if (isNoData(error)) return [];
      throw error;
    }
    assertUsageOf(records, searchParams.token, { method: 'GET', path: 'cost_management/' });
    return records;
  }

  /**
   * The account's remaining credits in USD.
   *
   * @example
   * if ((await costs.credits()) < 10) console.warn('Top up Eden AI credits');
   */
  async credits(options?: RequestOptions): Promise<number> {
    return this.#core.request({
      method: 'GET',
      path: 'cost_management/credits/',
      schema: creditsSchema,
      options,
    });
  }
}
