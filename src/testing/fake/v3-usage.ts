// /v3/manage/usage/ and /v3/manage/keys/{id}/usage/: v2's cost report with v3's rules — `end` is
// EXCLUSIVE, begin/end default to the last 7 days, at most 366 days, answer `{"usage": [...]}`
// (an empty list, not a 404, when nothing matches).
import type { FakeContext } from './context.js';
import { type CostQuery, parseStep } from './cost-query.js';
import { buildCostReport } from './cost-report.js';
import { parseDay, utcDay } from './dates.js';
import { FieldCollector, type FieldErrors } from './fields.js';
import { json, notFound, validationError } from './responses.js';

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
const BAD_DATE = 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';
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
