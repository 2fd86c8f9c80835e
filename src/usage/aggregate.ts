// Aggregation: records summed per token, per environment, per day. One small accumulator per key
// (day, feature, token…), never one per record, and money kept in integer nanos until the end.

import { averagePerCall, fromNanos, toNanos } from '../core/money.js';
import type { DayRange } from '../core/time.js';
import type { UsageRecord } from '../ports/usage.js';
import type { ParsedName } from '../registry/types.js';
import type {
  DailyUsage,
  FeatureUsage,
  ProviderUsage,
  TokenUsage,
  TokenUsageRow,
  UsageReport,
} from './types.js';

/** Running totals for one key. */
class Bucket {
  nanos = 0;
  calls = 0;
}

/** The bucket for `key`, created on first use. */
function bucketOf(map: Map<string, Bucket>, key: string): Bucket {
  let b = map.get(key);
  if (b === undefined) {
    b = new Bucket();
    map.set(key, b);
  }
  return b;
}

/** `{ totalCost, totalCalls, avgCostPerCall }` of a bucket, in USD. */
function totalsOf(b: Bucket): { totalCost: number; totalCalls: number; avgCostPerCall: number } {
  return {
    totalCost: fromNanos(b.nanos),
    totalCalls: b.calls,
    avgCostPerCall: averagePerCall(b.nanos, b.calls),
  };
}

/** Day buckets → `DailyUsage[]` in date order. */
function dailyOf(days: Map<string, Bucket>): DailyUsage[] {
  return [...days.keys()]
    .sort()
    .map((date) => ({ date, cost: fromNanos(days.get(date)!.nanos), calls: days.get(date)!.calls }));
}

/** Compares by cost descending, then by name, so equal spend still lists in a stable order. */
function byCostThenName<T>(name: (x: T) => string, nanos: (x: T) => number) {
  return (a: T, b: T): number => nanos(b) - nanos(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

/**
 * Sums the records of one logical token. `belongs(tokenName)` says whether an Eden name is one
 * of its generations; it is called once per distinct name (cached), not once per record.
 */
export function aggregateToken(
  name: string,
  range: DayRange,
  records: readonly UsageRecord[],
  belongs: (tokenName: string) => boolean,
): TokenUsage {
  const verdicts = new Map<string, boolean>();
  const total = new Bucket();
  const days = new Map<string, Bucket>();
  const features = new Map<string, Bucket>();
  const providers = new Map<string, number>();

  for (const r of records) {
    let mine = verdicts.get(r.token);
    if (mine === undefined) {
      mine = belongs(r.token);
      verdicts.set(r.token, mine);
    }
    if (!mine) continue;
    const nanos = toNanos(r.totalCost);
    total.nanos += nanos;
    total.calls += r.calls;
    const day = bucketOf(days, r.date);
    day.nanos += nanos;
    day.calls += r.calls;
    const feature = bucketOf(features, r.feature);
    feature.nanos += nanos;
    feature.calls += r.calls;
    const cpp = r.costPerProvider;
    for (const p in cpp) providers.set(p, (providers.get(p) ?? 0) + toNanos(cpp[p]!));
  }

  const { totalCost, totalCalls, avgCostPerCall } = totalsOf(total);
  return {
    name,
    range,
    tokenNames: [...verdicts]
      .filter(([, mine]) => mine)
      .map(([n]) => n)
      .sort(),
    totalCost,
    totalCalls,
    avgCostPerCall,
    byDay: dailyOf(days),
    byFeature: featureList(features),
    byProvider: providerList(providers),
  };
}

/** Most expensive first (ties by name). */
function featureList(features: Map<string, Bucket>): FeatureUsage[] {
  return [...features]
    .sort(
      byCostThenName(
        ([f]) => f,
        ([, b]) => b.nanos,
      ),
    )
    .map(([feature, b]) => ({ feature, cost: fromNanos(b.nanos), calls: b.calls }));
}

/** Most expensive first (ties by name). */
function providerList(providers: Map<string, number>): ProviderUsage[] {
  return [...providers]
    .sort(
      byCostThenName(
        ([p]) => p,
        ([, n]) => n,
      ),
    )
    .map(([provider, n]) => ({ provider, cost: fromNanos(n) }));
}

/** What the report needs to know about the tokens the registry manages now. */
export interface ManagedRef {
  name: string;
  environment: string;
  app: string;
  activeBalance: boolean;
  budget: number | null;
  balance: number | null;
  /** The key's cost tags (v3 `default_tags`), when known. */
  tags?: Record<string, string>;
}

export interface ReportInput {
  range: DayRange;
  generatedAt: string;
  /** Declared environments, in the order to list them. */
  environments: readonly string[];
  managed: readonly ManagedRef[];
  records: readonly UsageRecord[];
  /** Eden name → environment / logical name; called once per distinct name. */
  parse: (tokenName: string) => ParsedName | undefined;
}

interface Scope {
  total: Bucket;
  days: Map<string, Bucket>;
}

interface Row {
  environment: string | null;
  app: string | null;
  managed: boolean;
  budget: number | null;
  balance: number | null;
  keyDefaultTags?: Record<string, string>;
  bucket: Bucket;
}

// Where one Eden name's records go: its scope (an environment, or unmanaged) and its row.
interface Target {
  scope: Scope;
  row: Bucket;
}

const newScope = (): Scope => ({ total: new Bucket(), days: new Map() });
const NOT_MANAGED = { environment: null, app: null, managed: false, budget: null, balance: null } as const;

/**
 * Attributes every record to an environment and a logical token in one pass. Per record: one
 * Map lookup for the name, one for the day, integer additions; nothing is allocated per record.
 */
export function aggregateReport(input: ReportInput): UsageReport {
  const scopes = new Map<string, Scope>(input.environments.map((e) => [e, newScope()]));
  const unmanaged = newScope();
  const managedRows = new Map<string, Row>();
  const unmanagedRows = new Map<string, Row>();
  const envCounts = new Map<string, number>();
  for (const t of input.managed) {
    if (!scopes.has(t.environment) || managedRows.has(t.name)) continue;
    managedRows.set(t.name, {
      environment: t.environment,
      app: t.app,
      managed: true,
      budget: t.activeBalance ? (t.budget ?? null) : null,
      balance: t.activeBalance ? t.balance : null,
      // An empty tag set attributes nothing: left out.
      ...(t.tags && Object.keys(t.tags).length > 0 && { keyDefaultTags: { ...t.tags } }),
      bucket: new Bucket(),
    });
    envCounts.set(t.environment, (envCounts.get(t.environment) ?? 0) + 1);
  }

  // Feature and provider breakdowns over the declared environments (unmanaged usage is apart).
  const features = new Map<string, Bucket>();
  const providers = new Map<string, number>();
  const targets = new Map<string, Target>();
  const targetOf = (tokenName: string): Target => {
    const parsed = input.parse(tokenName);
    const scope = parsed ? scopes.get(parsed.environment) : undefined;
    if (parsed && scope) {
      let row = managedRows.get(parsed.logicalName);
      if (!row) {
        // Spent in the range but not managed now (deleted since, or created outside the registry).
        row = { ...NOT_MANAGED, environment: parsed.environment, app: parsed.app, bucket: new Bucket() };
        managedRows.set(parsed.logicalName, row);
      }
      return { scope, row: row.bucket };
    }
    let row = unmanagedRows.get(tokenName);
    if (!row) {
      row = { ...NOT_MANAGED, bucket: new Bucket() };
      unmanagedRows.set(tokenName, row);
    }
    return { scope: unmanaged, row: row.bucket };
  };

  for (const r of input.records) {
    let t = targets.get(r.token);
    if (t === undefined) {
      t = targetOf(r.token);
      targets.set(r.token, t);
    }
    const nanos = toNanos(r.totalCost);
    t.scope.total.nanos += nanos;
    t.scope.total.calls += r.calls;
    const day = bucketOf(t.scope.days, r.date);
    day.nanos += nanos;
    day.calls += r.calls;
    t.row.nanos += nanos;
    t.row.calls += r.calls;
    if (t.scope === unmanaged) continue;
    const feature = bucketOf(features, r.feature);
    feature.nanos += nanos;
    feature.calls += r.calls;
    const cpp = r.costPerProvider;
    for (const p in cpp) providers.set(p, (providers.get(p) ?? 0) + toNanos(cpp[p]!));
  }

  const all = new Bucket();
  const environments = input.environments.map((environment) => {
    const s = scopes.get(environment)!;
    all.nanos += s.total.nanos;
    all.calls += s.total.calls;
    return {
      environment,
      tokens: envCounts.get(environment) ?? 0,
      ...totalsOf(s.total),
      byDay: dailyOf(s.days),
    };
  });

  const report: UsageReport = {
    range: input.range,
    generatedAt: input.generatedAt,
    environments,
    tokenRows: [...rowsOf(managedRows, input.environments), ...rowsOf(unmanagedRows, [])],
    ...totalsOf(all),
    byFeature: featureList(features),
    byProvider: providerList(providers),
  };
  if (unmanagedRows.size > 0) {
    report.unmanaged = {
      tokens: unmanagedRows.size,
      ...totalsOf(unmanaged.total),
      byDay: dailyOf(unmanaged.days),
    };
  }
  return report;
}

function rowsOf(rows: Map<string, Row>, envOrder: readonly string[]): TokenUsageRow[] {
  const rank = new Map(envOrder.map((e, i) => [e, i]));
  return [...rows]
    .sort(
      ([a, ra], [b, rb]) =>
        (rank.get(ra.environment ?? '') ?? 0) - (rank.get(rb.environment ?? '') ?? 0) ||
        (a < b ? -1 : a > b ? 1 : 0),
    )
    .map(([name, r]) => ({
      name,
      environment: r.environment,
      app: r.app,
      managed: r.managed,
      budget: r.budget,
      balance: r.balance,
      ...(r.keyDefaultTags && { keyDefaultTags: r.keyDefaultTags }),
      ...totalsOf(r.bucket),
    }));
}

/** Nano-dollars per logical token; records under names outside every environment are skipped. */
export function costByLogicalName(
  records: readonly UsageRecord[],
  logicalOf: (tokenName: string) => string | undefined,
): Map<string, number> {
  const names = new Map<string, string | undefined>();
  const costs = new Map<string, number>();
  for (const r of records) {
    let logical = names.get(r.token);
    if (!names.has(r.token)) {
      logical = logicalOf(r.token);
      names.set(r.token, logical);
    }
    if (logical !== undefined) costs.set(logical, (costs.get(logical) ?? 0) + toNanos(r.totalCost));
  }
  return costs;
}
