import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { setup, tokenPath } from './helpers.js';

const TOKENS = '/user/custom_token/';
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start() {
  const s = await setup('in-process');
  fake = s.fake;
  return s.call;
}

const fieldError = (field: string, message: string) => ({
  error: { type: 'validation_error', message: { [field]: [message] } },
});

describe('create validation (400 field errors, nothing created)', () => {
  it.each([
    [{}, 'name', 'This field is required.'],
    [{ name: '' }, 'name', 'This field may not be blank.'],
    [{ name: '   ' }, 'name', 'This field may not be blank.'],
    [{ name: 'x'.repeat(201) }, 'name', 'Ensure this field has no more than 200 characters.'],
    [{ name: null }, 'name', 'This field may not be null.'],
    [{ name: 'a', token_type: 'admin' }, 'token_type', '"admin" is not a valid choice.'],
    [{ name: 'a', balance: 'ten' }, 'balance', 'A valid number is required.'],
    [{ name: 'a', balance: '1e3' }, 'balance', 'A valid number is required.'],
    [
      { name: 'a', balance: '123456' },
      'balance',
      'Ensure that there are no more than 5 digits before the decimal point.',
    ],
    [
      { name: 'a', balance: 100000 },
      'balance',
      'Ensure that there are no more than 5 digits before the decimal point.',
    ],
    [
      { name: 'a', balance: '1.1234567891' },
      'balance',
      'Ensure that there are no more than 9 decimal places.',
    ],
    [{ name: 'a', active_balance: 'maybe' }, 'active_balance', 'Must be a valid boolean.'],
    [
      { name: 'a', expire_time: 'tomorrow' },
      'expire_time',
      'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
    ],
    [
      { name: 'a', expire_time: '2026-02-30T00:00:00Z' },
      'expire_time',
      expect.stringMatching(/^Datetime has wrong/),
    ],
    [
      { name: 'a', balance_reset_period: 'hourly' },
      'balance_reset_period',
      '"hourly" is not a valid choice.',
    ],
    [
      { name: 'a', balance_reset_period: 'daily' },
      'balance_reset_amount',
      "This field is required when balance_reset_period is not 'none'.",
    ],
    [
      { name: 'a', balance_reset_period: 'daily', balance_reset_amount: '-1' },
      'balance_reset_amount',
      'Ensure this value is greater than or equal to 0.',
    ],
  ])('%j → %s', async (body, field, message) => {
    const call = await start();
    const res = await call('POST', TOKENS, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(fieldError(field, message as string));
    expect(fake!.tokens()).toEqual([]);
  });

  it('reports every bad field at once', async () => {
    const call = await start();
    const res = await call('POST', TOKENS, { token_type: 'x', balance: 'y' });
    expect(Object.keys(res.body.error.message).sort()).toEqual(['balance', 'name', 'token_type']);
  });

  it('accepts the edge of the balance pattern: 5 digits, 9 decimals, negative', async () => {
    const call = await start();
    const res = await call('POST', TOKENS, { name: 'edge', balance: '-99999.123456789' });
    expect(res.status).toBe(201);
    expect(res.body.balance).toBe('-99999.123456789');
  });

  it('trims the name like DRF', async () => {
    const call = await start();
    const res = await call('POST', TOKENS, { name: '  spaced  ' });
    expect(res.body.name).toBe('spaced');
  });
});

describe('patch validation', () => {
  it.each([
    [{ balance: 'lots' }, 'balance', 'A valid number is required.'],
    [{ balance: null }, 'balance', 'This field may not be null.'],
    [{ balance: 100000 }, 'balance', 'Ensure this value is less than 100000.'],
    [{ balance: -100000 }, 'balance', 'Ensure this value is greater than -100000.'],
    [{ active_balance: 3 }, 'active_balance', 'Must be a valid boolean.'],
    [{ expire_time: 12 }, 'expire_time', expect.stringMatching(/^Datetime has wrong format/)],
    [{ balance_reset_period: 'yearly' }, 'balance_reset_period', '"yearly" is not a valid choice.'],
    [
      { balance_reset_period: 'weekly' },
      'balance_reset_amount',
      "This field is required when balance_reset_period is not 'none'.",
    ],
  ])('%j → %s, token unchanged', async (body, field, message) => {
    const call = await start();
    await call('POST', TOKENS, { name: 't', balance: '5' });
    const before = fake!.tokens();
    const res = await call('PATCH', tokenPath('t'), body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(fieldError(field, message as string));
    expect(fake!.tokens()).toEqual(before);
  });

  it('accepts 99999.99 and -99999.99 and clears expire_time with null', async () => {
    const call = await start();
    await call('POST', TOKENS, { name: 't', expire_time: '2027-01-01T00:00:00Z' });
    expect((await call('PATCH', tokenPath('t'), { balance: 99999.99 })).body.balance).toBe(99999.99);
    expect((await call('PATCH', tokenPath('t'), { balance: -99999.99 })).body.balance).toBe(-99999.99);
    expect((await call('PATCH', tokenPath('t'), { expire_time: null })).body.expire_time).toBeNull();
  });
});
