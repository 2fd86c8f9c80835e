/**
 * Checks token inputs before any request is sent and turns them into Eden's wire bodies.
 * Bad input throws `InvalidInputError` naming the field; nothing reaches the server.
 */

import { InvalidInputError } from '../core/errors.js';
import { hasMoreThan9Decimals, toDecimalString } from '../http/wire.js';
import type { CreateTokenInput, ResetPeriod, UpdateTokenInput } from '../ports/backend.js';

const MAX_NAME = 200;
const MAX_MONEY = 100_000;
const TOKEN_TYPES = new Set(['api_token', 'sandbox_api_token']);
const RESET_PERIODS = new Set(['none', 'daily', 'weekly', 'monthly']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function invalid(field: string, message: string): never {
  throw new InvalidInputError(message, { field });
}

/** Eden names: 1–200 characters, no control characters; `.`/`..` would rewrite the URL path. */
export function assertTokenName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '')
    invalid('name', 'Token name must be a non-empty string');
  if (name.length > MAX_NAME) {
    invalid('name', `Token name is ${name.length} characters; Eden allows at most ${MAX_NAME}`);
  }
  if (CONTROL.test(name)) invalid('name', 'Token name must not contain control characters');
  if (name === '.' || name === '..') invalid('name', `Token name ${JSON.stringify(name)} is not allowed`);
}

/** USD amounts: finite, 0 ≤ x < 100000, at most 9 decimals (Eden's decimal field). */
function assertMoney(field: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    invalid(field, `${field} must be a finite number`);
  if (value < 0) invalid(field, `${field} must not be negative, got ${value}`);
  if (value >= MAX_MONEY) invalid(field, `${field} must be below ${MAX_MONEY}, got ${value}`);
  if (hasMoreThan9Decimals(value)) invalid(field, `${field} has more than 9 decimals: ${value}`);
}

function assertDate(field: string, value: unknown): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    invalid(field, `${field} must be a valid Date`);
}

function assertOneOf(field: string, value: unknown, allowed: Set<string>): void {
  if (typeof value !== 'string' || !allowed.has(value)) {
    invalid(field, `${field} must be one of ${[...allowed].join(', ')}; got ${JSON.stringify(value)}`);
  }
}

/**
 * A reset period other than `none` needs the amount to reset to; `none` takes no amount. On create
 * an amount needs a period; a patch may change the amount alone (the token keeps its period).
 */
function assertReset(
  period: ResetPeriod | undefined,
  amount: number | null | undefined,
  amountAlone: boolean,
): void {
  if (period !== undefined) assertOneOf('balanceResetPeriod', period, RESET_PERIODS);
  if (amount !== undefined && amount !== null) assertMoney('balanceResetAmount', amount);
  if (period !== undefined && period !== 'none' && typeof amount !== 'number') {
    invalid('balanceResetAmount', `balanceResetAmount is required when balanceResetPeriod is "${period}"`);
  }
  if (typeof amount === 'number' && (period === 'none' || (period === undefined && !amountAlone))) {
    invalid('balanceResetAmount', 'balanceResetAmount needs a balanceResetPeriod other than "none"');
  }
}

function assertObject(field: string, value: unknown): void {
  if (value === null || typeof value !== 'object') invalid(field, `${field} must be an object`);
}

/** `POST /user/custom_token/` body: money as decimal strings, time as ISO with `Z`. */
export function createBody(input: CreateTokenInput): Record<string, unknown> {
  assertObject('input', input);
  assertTokenName(input.name);
  const body: Record<string, unknown> = { name: input.name };
  if (input.tokenType !== undefined) {
    assertOneOf('tokenType', input.tokenType, TOKEN_TYPES);
    body['token_type'] = input.tokenType;
  }
  if (input.balance !== undefined && input.balance !== null) {
    assertMoney('balance', input.balance);
    body['balance'] = toDecimalString(input.balance);
  }
  if (input.activeBalance !== undefined) {
    if (typeof input.activeBalance !== 'boolean') invalid('activeBalance', 'activeBalance must be a boolean');
    body['active_balance'] = input.activeBalance;
  }
  if (input.expireTime !== undefined) {
    if (input.expireTime !== null) assertDate('expireTime', input.expireTime);
    body['expire_time'] = input.expireTime?.toISOString() ?? null;
  }
  assertReset(input.balanceResetPeriod, input.balanceResetAmount, false);
  if (input.balanceResetPeriod !== undefined) body['balance_reset_period'] = input.balanceResetPeriod;
  if (typeof input.balanceResetAmount === 'number') {
    body['balance_reset_amount'] = toDecimalString(input.balanceResetAmount);
  }
  return body;
}

/** `PATCH /user/custom_token/{name}/` body: money as numbers here (Eden's PATCH schema). */
export function patchBody(patch: UpdateTokenInput): Record<string, unknown> {
  assertObject('patch', patch);
  const body: Record<string, unknown> = {};
  if (patch.balance !== undefined) {
    assertMoney('balance', patch.balance);
    body['balance'] = patch.balance;
  }
  if (patch.activeBalance !== undefined) {
    if (typeof patch.activeBalance !== 'boolean') invalid('activeBalance', 'activeBalance must be a boolean');
    body['active_balance'] = patch.activeBalance;
  }
  if (patch.expireTime !== undefined) {
    if (patch.expireTime !== null) assertDate('expireTime', patch.expireTime);
    body['expire_time'] = patch.expireTime?.toISOString() ?? null;
  }
  assertReset(patch.balanceResetPeriod, patch.balanceResetAmount, true);
  if (patch.balanceResetPeriod !== undefined) body['balance_reset_period'] = patch.balanceResetPeriod;
  if (patch.balanceResetAmount !== undefined) body['balance_reset_amount'] = patch.balanceResetAmount;
  if (Object.keys(body).length === 0) {
    invalid(
      'patch',
      'Empty update: give at least one of balance, activeBalance, expireTime, balanceResetPeriod, balanceResetAmount',
    );
  }
  return body;
}
