import type { RequestOptions } from '../core/types.js';

/** One flat cost record: one token, one period start, one feature. */
export interface UsageRecord {
  /** Eden token name (a rotated generation keeps its own name). */
  token: string;
  /** Period start as `YYYY-MM-DD` (a calendar day, not an instant). */
  date: string;
  /** `{category}__{subfeature}`, e.g. `text__chat`. */
  feature: string;
  /** USD. */
  totalCost: number;
  calls: number;
  costPerProvider: Record<string, number>;
}

export interface UsageQuery {
  /** Inclusive. `Date` or `YYYY-MM-DD`. */
  begin: Date | string;
  /** Inclusive. `Date` or `YYYY-MM-DD`. */
  end: Date | string;
  /** 1 daily (default), 2 weekly, 3 monthly, 4 yearly. */
  step?: 1 | 2 | 3 | 4;
  token?: string;
  provider?: string;
  subfeature?: string;
}

/** Where usage comes from. `CostClient` is one; an in-memory one serves tests and imports. */
export interface UsageSource {
  usage(query: UsageQuery, options?: RequestOptions): Promise<UsageRecord[]>;
}
