// Field parsers with Django REST framework's error messages. Each returns the parsed value or an
// error message string wrapped in `{ error }`.

import { nanosFromDecimal, toNanos } from '../../core/money.js';
import { parseIsoDateTime } from './dates.js';

export type Parsed<T> = { value: T } | { error: string };
export type FieldErrors = Record<string, string[]>;

export const REQUIRED = 'This field is required.';
export const NOT_NULL = 'This field may not be null.';

export function parseName(raw: unknown): Parsed<string> {
  if (raw === null) return { error: NOT_NULL };
  if (typeof raw !== 'string') return { error: 'Not a valid string.' };
  const name = raw.trim(); // DRF CharField trims by default
  if (name === '') return { error: 'This field may not be blank.' };
  if (name.length > 200) return { error: 'Ensure this field has no more than 200 characters.' };
  return { value: name };
}

export function parseChoice<T extends string>(raw: unknown, choices: readonly T[]): Parsed<T> {
  if (raw === null) return { error: NOT_NULL };
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return { value: raw as T };
  return { error: `"${String(raw)}" is not a valid choice.` };
}

const TRUE = new Set<unknown>([true, 1, '1', 'true', 'True', 'TRUE', 't', 'T', 'yes', 'on']);
const FALSE = new Set<unknown>([false, 0, '0', 'false', 'False', 'FALSE', 'f', 'F', 'no', 'off']);

export function parseBoolean(raw: unknown): Parsed<boolean> {
  if (raw === null) return { error: NOT_NULL };
  if (TRUE.has(raw)) return { value: true };
  if (FALSE.has(raw)) return { value: false };
  return { error: 'Must be a valid boolean.' };
}

export function parseDateTime(raw: unknown): Parsed<Date | null> {
  if (raw === null) return { value: null };
  const date = typeof raw === 'string' ? parseIsoDateTime(raw) : undefined;
  if (!date)
    return {
      error:
        'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
    };
  return { value: date };
}

/**
 * Eden's create-side money: a DecimalField (max 5 integer digits, 9 decimals), sent as a string
 * (`"50.00"`) or a number. Returns nano-dollars.
 */
export function parseDecimal(raw: unknown): Parsed<number> {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { error: 'A valid number is required.' };
    if (Math.abs(raw) >= 100_000)
      return { error: 'Ensure that there are no more than 5 digits before the decimal point.' };
    return { value: toNanos(raw) };
  }
  if (typeof raw !== 'string') return { error: 'A valid number is required.' };
  const text = raw.trim();
  const nanos = nanosFromDecimal(text);
  if (nanos === undefined) return { error: 'A valid number is required.' };
  const [whole = '', frac = ''] = text.replace('-', '').split('.');
  if (whole.replace(/^0+/, '').length > 5)
    return { error: 'Ensure that there are no more than 5 digits before the decimal point.' };
  if (frac.length > 9) return { error: 'Ensure that there are no more than 9 decimal places.' };
  return { value: nanos };
}

/** Eden's PATCH-side money: a FloatField, −100000 < x < 100000. Returns nano-dollars. */
export function parseFloatMoney(raw: unknown): Parsed<number> {
  if (raw === null) return { error: NOT_NULL };
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return { error: 'A valid number is required.' };
  if (n <= -100_000) return { error: 'Ensure this value is greater than -100000.' };
  if (n >= 100_000) return { error: 'Ensure this value is less than 100000.' };
  return { value: toNanos(n) };
}

/** Collects parse results into a value bag and DRF-shaped field errors. */
export class FieldCollector {
  readonly errors: FieldErrors = {};
  /** Parses `body[field]` when present; records the error under `field`. */
  take<T>(body: Record<string, unknown>, field: string, parse: (raw: unknown) => Parsed<T>): T | undefined {
    if (!(field in body) || body[field] === undefined) return undefined;
    return this.check(field, parse(body[field]));
  }
  check<T>(field: string, parsed: Parsed<T>): T | undefined {
    if ('error' in parsed) {
      this.fail(field, parsed.error);
      return undefined;
    }
    return parsed.value;
  }
  fail(field: string, message: string): void {
    const list = this.errors[field] ?? [];
    list.push(message);
    this.errors[field] = list;
  }
  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

/** DRF's message for a body that is not a JSON object. */
export function notAnObject(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return undefined;
  const type = Array.isArray(body) ? 'list' : body === null ? 'NoneType' : pythonType(body);
  return `Invalid data. Expected a dictionary, but got ${type}.`;
}

function pythonType(value: unknown): string {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}
