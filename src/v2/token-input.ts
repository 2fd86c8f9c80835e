/**
 * Checks token inputs before any request is sent and turns them into Eden's wire bodies.
 * Bad input throws `InvalidInputError` naming the field; nothing reaches the server.
 */

import { InvalidInputError } from '../core/errors.js';
import {
  assertFutureExpiry,
  assertTokenName,
  assertMoney as checkMoney,
  RESET_PERIODS,
  TOKEN_TYPES,
} from '../core/limits.js';
import { toDecimalString } from '../http/wire.js';

export { assertTokenName };

const assertMoney = (field: string, value: unknown): void => checkMoney(value, field);

import type { CreateTokenInput, ResetPeriod, UpdateTokenInput } from '../ports/backend.js';

function invalid(field: string, message: string): never {
  throw new InvalidInputError(message, { field });
}

function assertOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
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

/**
 * `POST /user/custom_token/` body: money as decimal strings, time as ISO with `Z`. An expiry must
 * be after `now` (the client's clock): Eden requires a future one, a past one would be expired at once.
 */
export function createBody(input: CreateTokenInput, now: Date): Record<string, unknown> {
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
    if (input.expireTime !== null) assertFutureExpiry(input.expireTime, now);
    body['expire_time'] = input.expireTime?.toISOString() ?? null;
  }
  assertReset(input.balanceResetPeriod, input.balanceResetAmount, false);
  if (input.balanceResetPeriod !== undefined) body['balance_reset_period'] = input.balanceResetPeriod;
  if (typeof input.balanceResetAmount === 'number') {
    body['balance_reset_amount'] = toDecimalString(input.balanceResetAmount);
  }
  return body;
}

/** `PATCH /user/custom_token/{name}/` body: money as numbers here (Eden's PATCH schema); an expiry after `now`. */
export function patchBody(patch: UpdateTokenInput, now: Date): Record<string, unknown> {
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
    if (patch.expireTime !== null) assertFutureExpiry(patch.expireTime, now);
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
