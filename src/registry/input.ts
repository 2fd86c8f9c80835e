import { InvalidInputError } from '../core/errors.js';
import type { ResetPeriod, TokenType, UpdateTokenInput } from '../ports/backend.js';

/** Eden stores money as a decimal with at most 5 integer digits and 9 decimals. */
export const MAX_MONEY = 99_999.999999999;
/** A hundred years: beyond that an expiry is a typo, and Dates start to overflow. */
export const MAX_DAYS = 36_500;
export const DAY_MS = 86_400_000;

const RESET_PERIODS: ReadonlySet<string> = new Set<ResetPeriod>(['none', 'daily', 'weekly', 'monthly']);
const TOKEN_TYPES: ReadonlySet<string> = new Set<TokenType>(['api_token', 'sandbox_api_token']);

/** Describes a bad value without echoing strings (a misplaced token value must not reach a message). */
function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return `a ${Array.isArray(value) ? 'array' : typeof value}`;
}

/** USD amount: finite, ≥ 0 (or > 0), at most {@link MAX_MONEY}, at most 9 decimals. */
export function assertMoney(
  value: unknown,
  field: string,
  { positive = false }: { positive?: boolean } = {},
): asserts value is number {
  const why = moneyProblem(value, positive);
  if (why) throw new InvalidInputError(`Invalid ${field} ${describe(value)}: ${why}`, { field });
}

function moneyProblem(value: unknown, positive: boolean): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number of USD';
  if (positive && value <= 0) return 'must be greater than 0';
  if (value < 0) return 'must not be negative';
  if (value > MAX_MONEY) return `Eden allows at most ${MAX_MONEY}`;
  // Eden's decimal field keeps 9 decimals; more would be silently rounded by the server.
  if (Number(value.toFixed(9)) !== value) return 'has more than 9 decimals';
  return undefined;
}

/** Whole days: a positive integer up to {@link MAX_DAYS}. */
export function assertDays(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DAYS) {
    throw new InvalidInputError(
      `Invalid ${field} ${describe(value)}: must be a whole number of days from 1 to ${MAX_DAYS}`,
      { field },
    );
  }
}

export function assertResetPeriod(value: unknown, field = 'resetPeriod'): asserts value is ResetPeriod {
  if (typeof value !== 'string' || !RESET_PERIODS.has(value)) {
    throw new InvalidInputError(`Invalid ${field}: use one of ${[...RESET_PERIODS].join(', ')}`, { field });
  }
}

export function assertTokenType(value: unknown, field = 'tokenType'): asserts value is TokenType {
  if (typeof value !== 'string' || !TOKEN_TYPES.has(value)) {
    throw new InvalidInputError(`Invalid ${field}: use one of ${[...TOKEN_TYPES].join(', ')}`, { field });
  }
}

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
  return Math.round(n * 1e9) / 1e9;
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
    }
  }
  return patch;
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
