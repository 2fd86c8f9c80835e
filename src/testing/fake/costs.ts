// Costs: v2's /cost_management/ report and /cost_management/credits/, and the v3 Management API's
// usage (/v3/manage/usage/, /v3/manage/keys/{id}/usage/), both built from the store's cost history.
import { fromNanos } from '../../core/money.js';
import { formatDay, parseDay, utcDay } from '../../core/time.js';
import type { FakeContext } from './options.js';
import type { UsageRow } from './store.js';
import {
  FieldCollector,
  type FieldErrors,
  isoWeekday,
  json,
  notFound,
  REQUIRED,
  validationError,
} from './wire.js';

export function costReport(ctx: FakeContext, url: URL): Response {
  const parsed = parseCostQuery(url.searchParams, ctx.maxCostRangeDays);
  if (!parsed.ok) return validationError(parsed.errors);
  const report = buildCostReport(ctx.store.usage(), parsed.query);
  // Eden documents 404 for "no data found for the specified filters".
  return report ? json(200, report) : notFound();
}

export function credits(ctx: FakeContext): Response {
  return json(200, { credits: fromNanos(ctx.store.credits) });
}

// Validation of GET /v2/cost_management/ query parameters, with DRF's messages.

type CostStep = 1 | 2 | 3 | 4;

interface CostQuery {
  /** Inclusive, days since 1970-01-01. */
  begin: number;
  end: number;
  step: CostStep;
  token?: string;
  provider?: string;
  feature?: string;
  subfeature?: string;
}

// Documented parameters; Eden answers 400 to any other.
const KNOWN = new Set([
  'begin',
  'end',
  'step',
  'token',
  'provider',
  'subfeature',
  'feature',
  'phase',
  'workflow_id',
  'rag_project_id',
  'user',
  'group_by',
]);
const BAD_DATE = 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';

function parseCostQuery(
  params: URLSearchParams,
  maxRangeDays: number,
): { ok: true; query: CostQuery } | { ok: false; errors: FieldErrors } {
  const f = new FieldCollector();
  for (const key of params.keys()) if (!KNOWN.has(key)) f.fail(key, 'Unknown query parameter.');
  const day = (field: string) => {
    const raw = params.get(field);
    if (raw === null || raw === '') return f.fail(field, REQUIRED);
    const parsed = parseDay(raw);
    return parsed === undefined ? f.fail(field, BAD_DATE) : parsed;
  };
  const begin = day('begin');
  const end = day('end');
  const step = parseStep(params.get('step'), f);
  if (typeof begin === 'number' && typeof end === 'number') {
    if (begin > end) f.fail('end', 'Ensure this date is on or after begin.');
    else if (end - begin + 1 > maxRangeDays)
      f.fail('end', `The date range cannot exceed ${maxRangeDays} days.`);
  }
  if (!f.ok || typeof begin !== 'number' || typeof end !== 'number' || step === undefined)
    return { ok: false, errors: f.errors };
  const query: CostQuery = { begin, end, step };
  for (const key of ['token', 'provider', 'feature', 'subfeature'] as const) {
    const value = params.get(key);
    if (value !== null && value !== '') query[key] = value;
  }
  return { ok: true, query };
}

function parseStep(raw: string | null, f: FieldCollector): CostStep | undefined {
  if (raw === null || raw === '') {
    f.fail('step', REQUIRED);
    return undefined;
  }
  if (!/^-?\d+$/.test(raw.trim())) {
    f.fail('step', 'A valid integer is required.');
    return undefined;
  }
  const n = Number(raw);
  if (n < 1) f.fail('step', 'Ensure this value is greater than or equal to 1.');
  else if (n > 4) f.fail('step', 'Ensure this value is less than or equal to 4.');
  else return n as CostStep;
  return undefined;
}

// Aggregates the cost history into Eden's `/cost_management/` answer, bucketed by step.

interface CostDetails {
  total_cost: number;
  details: number;
  cost_per_provider: Record<string, number>;
}
interface CostResponse {
  response: { token: string; data: Record<string, Record<string, CostDetails>> }[];
}

interface Bucket {
  cost: number;
  calls: number;
  perProvider: Map<string, number>;
}

/** Period start (`YYYY-MM-DD`) of a day: the day, its week's Monday, `YYYY-MM-01` or `YYYY-01-01`. */
function periodStart(day: number, step: CostStep): string {
  if (step === 1) return formatDay(day);
  if (step === 2) return formatDay(day - isoWeekday(day));
  const text = formatDay(day);
  return step === 3 ? `${text.slice(0, 8)}01` : `${text.slice(0, 5)}01-01`;
}

function matches(row: UsageRow, q: CostQuery): boolean {
  if (row.day < q.begin || row.day > q.end) return false;
  if (q.token !== undefined && row.token !== q.token) return false;
  if (q.provider !== undefined && row.provider !== q.provider) return false;
  if (q.feature === undefined && q.subfeature === undefined) return true;
  const split = row.feature.indexOf('__');
  const category = split < 0 ? row.feature : row.feature.slice(0, split);
  const sub = split < 0 ? '' : row.feature.slice(split + 2);
  return (
    (q.feature === undefined || q.feature === category) &&
    (q.subfeature === undefined || q.subfeature === sub)
  );
}

function upsert<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** The report for `q`, or `undefined` when no row matches (Eden then answers 404). */
function buildCostReport(rows: Iterable<UsageRow>, q: CostQuery): CostResponse | undefined {
  // token → period → feature → bucket
  const tree = new Map<string, Map<string, Map<string, Bucket>>>();
  for (const row of rows) {
    if (!matches(row, q)) continue;
    const periods = upsert(tree, row.token, () => new Map());
    const features = upsert(periods, periodStart(row.day, q.step), () => new Map());
    const bucket = upsert(features, row.feature, () => ({ cost: 0, calls: 0, perProvider: new Map() }));
    bucket.cost += row.cost;
    bucket.calls += row.calls;
    bucket.perProvider.set(row.provider, (bucket.perProvider.get(row.provider) ?? 0) + row.cost);
  }
  if (tree.size === 0) return undefined;
  const response = [...tree.keys()].sort().map((token) => {
    const periods = tree.get(token)!;
    const data: Record<string, Record<string, CostDetails>> = {};
    for (const period of [...periods.keys()].sort()) {
      const features = periods.get(period)!;
      const out: Record<string, CostDetails> = {};
      for (const feature of [...features.keys()].sort()) {
        const b = features.get(feature)!;
        const perProvider: Record<string, number> = {};
        for (const [provider, cost] of b.perProvider) perProvider[provider] = fromNanos(cost);
        out[feature] = { total_cost: fromNanos(b.cost), details: b.calls, cost_per_provider: perProvider };
      }
      data[period] = out;
    }
    return { token, data };
  });
  return { response };
}

// /v3/manage/usage/ and /v3/manage/keys/{id}/usage/: v2's cost report with v3's rules — `end` is
// EXCLUSIVE, begin/end default to the last 7 days, at most 366 days, answer `{"usage": [...]}`
// (an empty list, not a 404, when nothing matches).

const ORG_PARAMS = [
  'begin',
  'end',
  'step',
  'feature',
  'subfeature',
  'provider',
  'phase',
  'billing',
  'token',
  'key_id',
  'user',
  'group_by',
];
const KEY_PARAMS = ['begin', 'end', 'step', 'feature', 'subfeature', 'provider', 'phase', 'billing'];
const BILLING = new Set(['eden', 'own_keys', 'all']);
const DEFAULT_DAYS = 7;

type Parsed = { ok: true; query: CostQuery; keyId?: string } | { ok: false; errors: FieldErrors };

function parseQuery(ctx: FakeContext, params: URLSearchParams, known: readonly string[]): Parsed {
  const f = new FieldCollector();
  for (const key of params.keys()) if (!known.includes(key)) f.fail(key, 'Unknown query parameter.');
  const day = (field: string, fallback: number) => {
    const raw = params.get(field);
    if (raw === null || raw === '') return fallback;
    const parsed = parseDay(raw);
    return parsed === undefined ? f.fail(field, BAD_DATE) : parsed;
  };
  // Default window: the last 7 days, today included.
  const end = day('end', utcDay(ctx.now()) + 1);
  const begin = day('begin', (typeof end === 'number' ? end : utcDay(ctx.now()) + 1) - DEFAULT_DAYS);
  const step = parseStep(params.get('step'), f);
  const billing = params.get('billing');
  if (billing !== null && !BILLING.has(billing)) f.fail('billing', `"${billing}" is not a valid choice.`);
  if (typeof begin === 'number' && typeof end === 'number') {
    if (end <= begin) f.fail('end', 'Ensure this date is after begin (end is exclusive).');
    else if (end - begin > ctx.maxCostRangeDays)
      f.fail('end', `The date range cannot exceed ${ctx.maxCostRangeDays} days.`);
  }
  if (!f.ok || typeof begin !== 'number' || typeof end !== 'number' || step === undefined)
    return { ok: false, errors: f.errors };
  const query: CostQuery = { begin, end: end - 1, step };
  for (const key of ['token', 'provider', 'feature', 'subfeature'] as const) {
    const value = params.get(key);
    if (value !== null && value !== '') query[key] = value;
  }
  const keyId = params.get('key_id');
  return keyId ? { ok: true, query, keyId } : { ok: true, query };
}

function report(ctx: FakeContext, query: CostQuery): Response {
  return json(200, { usage: buildCostReport(ctx.store.usage(), query)?.response ?? [] });
}

export function orgUsage(ctx: FakeContext, url: URL): Response {
  const parsed = parseQuery(ctx, url.searchParams, ORG_PARAMS);
  if (!parsed.ok) return validationError(parsed.errors);
  if (parsed.keyId !== undefined) {
    // Usage by key identity: the key's name selects its history.
    const entry = ctx.keys.find(parsed.keyId);
    if (!entry) return validationError({ key_id: ['Unknown key.'] });
    if (parsed.query.token !== undefined && parsed.query.token !== entry.name)
      return json(200, { usage: [] });
    parsed.query.token = entry.name;
  }
  return report(ctx, parsed.query);
}

export function keyUsage(ctx: FakeContext, url: URL, id: string): Response {
  const entry = ctx.keys.find(id);
  if (!entry) return notFound();
  const parsed = parseQuery(ctx, url.searchParams, KEY_PARAMS);
  if (!parsed.ok) return validationError(parsed.errors);
  return report(ctx, { ...parsed.query, token: entry.name });
}
