import { toNanos } from '../core/money.js';
import type { DayRange } from '../core/time.js';
import type { UsageRecord } from '../ports/usage.js';
import type { ParsedName } from '../registry/naming.js';
import { Bucket, bucketOf, dailyOf, totalsOf } from './buckets.js';
import type { TokenUsageRow, UsageReport } from './types.js';

/** What the report needs to know about the tokens the registry manages now. */
export interface ManagedRef {
  name: string;
  environment: string;
  app: string;
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
  bucket: Bucket;
}

// Where one Eden name's records go: its scope (an environment, or unmanaged) and its row.
interface Target {
  scope: Scope;
  row: Bucket;
}

const newScope = (): Scope => ({ total: new Bucket(), days: new Map() });

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
    managedRows.set(t.name, { environment: t.environment, app: t.app, managed: true, bucket: new Bucket() });
    envCounts.set(t.environment, (envCounts.get(t.environment) ?? 0) + 1);
  }

  const targets = new Map<string, Target>();
  const targetOf = (tokenName: string): Target => {
    const parsed = input.parse(tokenName);
    const scope = parsed ? scopes.get(parsed.environment) : undefined;
    if (parsed && scope) {
      let row = managedRows.get(parsed.logicalName);
      if (!row) {
        // Spent in the range but not managed now (deleted since, or created outside the registry).
        row = { environment: parsed.environment, app: parsed.app, managed: false, bucket: new Bucket() };
        managedRows.set(parsed.logicalName, row);
      }
      return { scope, row: row.bucket };
    }
    let row = unmanagedRows.get(tokenName);
    if (!row) {
      row = { environment: null, app: null, managed: false, bucket: new Bucket() };
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
      ...totalsOf(r.bucket),
    }));
}
