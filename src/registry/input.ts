// Checks of what callers hand the registry (object shapes, names, plan changes read back from JSON),
// and the small money and date steps its writes share.
import { InvalidInputError } from '../core/errors.js';
import { assertMoney, assertResetPeriod, describeValue as describe, normalizeTags } from '../core/limits.js';
import { fromNanos, toNanos } from '../core/money.js';
import { DAY_MS } from '../core/time.js';
import type { UpdateTokenInput } from '../ports/backend.js';

/** A plain object whose keys are all in `allowed` (catches typos such as `expireDays`). */
export function assertObject(
  value: unknown,
  field: string,
  allowed?: readonly string[],
): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`Invalid ${field}: expected an object, got ${describe(value)}`, { field });
  }
  if (!allowed) return;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InvalidInputError(
        `Unknown ${field} field "${key}": expected ${allowed.map((k) => `"${k}"`).join(', ')}`,
        { field: key },
      );
    }
  }
}

export function assertName(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidInputError(`Invalid token name ${describe(value)}: expected a non-empty string`, {
      field: 'name',
    });
  }
}

/** Rounds float noise away (0.1 + 0.2) to Eden's 9 decimals. */
export function roundMoney(n: number): number {
  return fromNanos(toNanos(n));
}

export function sameMoney(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) < 5e-10;
}

export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

/** `$3000`, `$12.5`: short, exact, no locale. */
export function usd(n: number): string {
  return `$${n}`;
}

const PATCH_FIELDS = [
  'balance',
  'activeBalance',
  'expireTime',
  'balanceResetPeriod',
  'balanceResetAmount',
  'tags',
] as const;

/**
 * Validates an update patch built from plan `changes` (plans may be hand-written or read back from
 * JSON, so `expireTime` may be an ISO string).
 */
export function normalizePatch(changes: unknown, field: string): UpdateTokenInput {
  if (!Array.isArray(changes) || changes.length === 0) {
    throw new InvalidInputError(`Invalid ${field}: expected a non-empty array of changes`, { field });
  }
  const patch: UpdateTokenInput = {};
  for (const change of changes) {
    assertObject(change, field);
    const { field: key, to } = change;
    if (typeof key !== 'string' || !(PATCH_FIELDS as readonly string[]).includes(key)) {
      throw new InvalidInputError(
        `Invalid change field ${describe(key)}: use one of ${PATCH_FIELDS.join(', ')}`,
        {
          field,
        },
      );
    }
    switch (key as (typeof PATCH_FIELDS)[number]) {
      case 'balance':
        assertMoney(to, 'balance');
        patch.balance = to;
        break;
      case 'balanceResetAmount':
        if (to !== null) assertMoney(to, 'balanceResetAmount');
        patch.balanceResetAmount = to as number | null;
        break;
      case 'activeBalance':
        if (typeof to !== 'boolean')
          throw new InvalidInputError('Invalid activeBalance: expected a boolean', {
            field: 'activeBalance',
          });
        patch.activeBalance = to;
        break;
      case 'balanceResetPeriod':
        assertResetPeriod(to, 'balanceResetPeriod');
        patch.balanceResetPeriod = to;
        break;
      case 'expireTime':
        patch.expireTime = toDateOrNull(to);
        break;
      case 'tags':
        patch.tags = normalizeTags(to, 'tags');
        break;
    }
  }
  return patch;
}

/**
 * The `budget` of a plan's update action (`{ from, to }`, possibly read back from JSON): returns
 * the budget to record, or `undefined` when the action has none.
 */
export function normalizeBudgetChange(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  assertObject(value, field, ['from', 'to']);
  const { from, to } = value;
  if (from !== null) assertMoney(from, `${field}.from`);
  assertMoney(to, `${field}.to`);
  return to;
}

function toDateOrNull(value: unknown): Date | null {
  if (value === null) return null;
  const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) {
    throw new InvalidInputError('Invalid expireTime: expected a Date, an ISO date string or null', {
      field: 'expireTime',
    });
  }
  return d;
}
