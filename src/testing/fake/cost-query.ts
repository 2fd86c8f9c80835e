// Validation of GET /v2/cost_management/ query parameters, with DRF's messages.
import { parseDay } from './dates.js';
import { FieldCollector, type FieldErrors, REQUIRED } from './fields.js';

export type CostStep = 1 | 2 | 3 | 4;

export interface CostQuery {
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

export function parseCostQuery(
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

export function parseStep(raw: string | null, f: FieldCollector): CostStep | undefined {
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
