import { InvalidInputError } from 'edenai-token-manager';
import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, setup, tokenPath } from './helpers.js';

const TOKENS = '/user/custom_token/';
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(clock?: () => Date) {
  const s = await setup('in-process', clock ? { clock } : {});
  fake = s.fake;
  return s.call;
}

describe('simulateUsage', () => {
  it('drains an active balance exactly (no float drift) and shows it on GET', async () => {
    const call = await start();
    await call('POST', TOKENS, { name: 'b', balance: '87.45', active_balance: true });
    expect(fake!.simulateUsage({ token: 'b', cost: 0.1 })).toEqual({ ok: true });
    expect(fake!.simulateUsage({ token: 'b', cost: 0.2 })).toEqual({ ok: true });
    expect(fake!.tokens()[0]!.balance).toBe(87.15);
    expect((await call('GET', tokenPath('b'))).body.balance).toBe(87.15);
  });

  it('refuses a cost above the balance and an empty balance; never overdraws', async () => {
    const call = await start();
    await call('POST', TOKENS, { name: 'b', balance: '1', active_balance: true });
    expect(fake!.simulateUsage({ token: 'b', cost: 1.01 })).toEqual({
      ok: false,
      reason: 'insufficient_balance',
    });
    expect(fake!.simulateUsage({ token: 'b', cost: 1 })).toEqual({ ok: true });
    expect(fake!.simulateUsage({ token: 'b', cost: 0 })).toEqual({
      ok: false,
      reason: 'insufficient_balance',
    });
    expect(fake!.tokens()[0]!.balance).toBe(0);
  });

  it('does not drain an inactive balance (unlimited spending)', async () => {
    const call = await start();
    await call('POST', TOKENS, { name: 'free', balance: '1', active_balance: false });
    expect(fake!.simulateUsage({ token: 'free', cost: 500 })).toEqual({ ok: true });
    expect(fake!.tokens()[0]!.balance).toBe(1);
  });

  it('records sandbox calls at cost 0 and never drains them', async () => {
    const call = await start();
    await call('POST', TOKENS, {
      name: 'sb',
      token_type: 'sandbox_api_token',
      balance: '0',
      active_balance: true,
    });
    expect(fake!.simulateUsage({ token: 'sb', cost: 3, calls: 4, date: '2026-01-05' })).toEqual({ ok: true });
    expect(fake!.tokens()[0]!.balance).toBe(0);
    const report = await call('GET', '/cost_management/?begin=2026-01-05&end=2026-01-05&step=1');
    expect(report.body.response[0].data['2026-01-05'].text__chat).toEqual({
      total_cost: 0,
      details: 4,
      cost_per_provider: { openai: 0 },
    });
  });

  it('refuses unknown (and deleted) tokens and expired ones, which stay listed', async () => {
    const time = manualClock('2026-05-01T12:00:00Z');
    const call = await start(time.clock);
    expect(fake!.simulateUsage({ token: 'nope', cost: 1 })).toEqual({ ok: false, reason: 'unknown_token' });
    await call('POST', TOKENS, { name: 'exp', expire_time: '2026-05-02T00:00:00Z' });
    expect(fake!.simulateUsage({ token: 'exp', cost: 1 })).toEqual({ ok: true });
    time.set('2026-05-02T00:00:01Z');
    expect(fake!.simulateUsage({ token: 'exp', cost: 1 })).toEqual({ ok: false, reason: 'expired' });
    expect((await call('GET', TOKENS)).body.map((t: { name: string }) => t.name)).toEqual(['exp']);
    await call('DELETE', tokenPath('exp'));
    expect(fake!.simulateUsage({ token: 'exp', cost: 1 })).toEqual({ ok: false, reason: 'unknown_token' });
  });

  it('spends account credits', async () => {
    const call = await start();
    await call('POST', TOKENS, { name: 'c' });
    fake!.simulateUsage({ token: 'c', cost: 2.5 });
    expect((await call('GET', '/cost_management/credits/')).body).toEqual({ credits: 97.5 });
  });

  it.each([
    [{ token: '', cost: 1 }, 'token'],
    [{ token: 'x', cost: -1 }, 'cost'],
    [{ token: 'x', cost: Number.NaN }, 'cost'],
    [{ token: 'x', cost: 1, calls: 1.5 }, 'calls'],
    [{ token: 'x', cost: 1, feature: 'chat' }, 'feature'],
    [{ token: 'x', cost: 1, provider: '' }, 'provider'],
    [{ token: 'x', cost: 1, date: '2026-13-01' }, 'date'],
    [{ token: 'x', cost: 1, date: new Date('nope') }, 'date'],
  ])('rejects bad input %j with InvalidInputError on %s', async (input, field) => {
    await start();
    const attempt = () => fake!.simulateUsage(input);
    expect(attempt).toThrow(InvalidInputError);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidInputError).field).toBe(field);
    }
  });
});

describe('budget resets at midnight Europe/Paris (lazy, on the injected clock)', () => {
  it('daily: refills at 00:00 Paris in winter (23:00 UTC), not one minute before', async () => {
    const time = manualClock('2026-01-14T10:00:00Z');
    const call = await start(time.clock);
    const res = await call('POST', TOKENS, {
      name: 'd',
      balance_reset_period: 'daily',
      balance_reset_amount: '10',
    });
    // A periodic token starts full, and the period switches active_balance on.
    expect(res.body).toMatchObject({
      balance: '10.000000000',
      active_balance: true,
      balance_reset_amount: '10.000000000',
    });
    fake!.simulateUsage({ token: 'd', cost: 7 });
    time.set('2026-01-14T22:59:59Z');
    expect(fake!.tokens()[0]!.balance).toBe(3);
    time.set('2026-01-14T23:00:00Z');
    expect((await call('GET', tokenPath('d'))).body.balance).toBe(10);
  });

  it('daily: refills at 00:00 Paris in summer (22:00 UTC)', async () => {
    const time = manualClock('2026-07-10T08:00:00Z');
    const call = await start(time.clock);
    await call('POST', TOKENS, {
      name: 'd',
      balance_reset_period: 'daily',
      balance_reset_amount: '5',
      balance: '1',
    });
    time.set('2026-07-10T21:59:00Z');
    expect(fake!.tokens()[0]!.balance).toBe(1);
    time.set('2026-07-10T22:00:00Z');
    expect(fake!.tokens()[0]!.balance).toBe(5);
  });

  it('weekly: refills on Monday 00:00 Paris only', async () => {
    const time = manualClock('2026-03-04T12:00:00Z'); // Wednesday
    const call = await start(time.clock);
    await call('POST', TOKENS, { name: 'w', balance_reset_period: 'weekly', balance_reset_amount: '20' });
    fake!.simulateUsage({ token: 'w', cost: 15 });
    time.set('2026-03-08T22:59:00Z'); // Sunday 23:59 Paris
    expect(fake!.tokens()[0]!.balance).toBe(5);
    time.set('2026-03-08T23:00:00Z'); // Monday 00:00 Paris
    expect(fake!.tokens()[0]!.balance).toBe(20);
  });

  it('monthly: refills on the 1st 00:00 Paris, once, even after a long gap', async () => {
    const time = manualClock('2026-05-20T12:00:00Z');
    const call = await start(time.clock);
    await call('POST', TOKENS, { name: 'm', balance_reset_period: 'monthly', balance_reset_amount: '100' });
    fake!.simulateUsage({ token: 'm', cost: 60 });
    time.set('2026-05-31T21:59:00Z'); // 23:59 CEST
    expect(fake!.tokens()[0]!.balance).toBe(40);
    time.set('2026-05-31T22:00:00Z'); // June 1st 00:00 CEST
    expect(fake!.tokens()[0]!.balance).toBe(100);
    fake!.simulateUsage({ token: 'm', cost: 30 });
    time.set('2026-06-15T00:00:00Z');
    expect(fake!.tokens()[0]!.balance).toBe(70);
    time.set('2026-09-15T00:00:00Z');
    expect(fake!.tokens()[0]!.balance).toBe(100);
  });

  it('the refill makes a drained token usable again', async () => {
    const time = manualClock('2026-01-14T10:00:00Z');
    const call = await start(time.clock);
    await call('POST', TOKENS, { name: 'd', balance_reset_period: 'daily', balance_reset_amount: '1' });
    expect(fake!.simulateUsage({ token: 'd', cost: 1 })).toEqual({ ok: true });
    expect(fake!.simulateUsage({ token: 'd', cost: 1 })).toEqual({
      ok: false,
      reason: 'insufficient_balance',
    });
    time.advance(24 * 3600_000);
    expect(fake!.simulateUsage({ token: 'd', cost: 1 })).toEqual({ ok: true });
  });

  it('PATCH: a period switches active_balance on; none clears the amount and stops refills', async () => {
    const time = manualClock('2026-01-14T10:00:00Z');
    const call = await start(time.clock);
    await call('POST', TOKENS, { name: 'p', balance: '3' });
    const periodic = await call('PATCH', tokenPath('p'), {
      balance_reset_period: 'daily',
      balance_reset_amount: 8,
    });
    expect(periodic.body).toMatchObject({
      balance: 3, // the amount is the reset target, not the live balance
      active_balance: true,
      balance_reset_period: 'daily',
      balance_reset_amount: 8,
    });
    const none = await call('PATCH', tokenPath('p'), { balance_reset_period: 'none' });
    expect(none.body).toMatchObject({ balance_reset_period: 'none', balance_reset_amount: null, balance: 3 });
    time.advance(3 * 24 * 3600_000);
    expect(fake!.tokens()[0]!.balance).toBe(3);
  });

  it('create with period none drops a given amount', async () => {
    const call = await start();
    const res = await call('POST', TOKENS, {
      name: 'n',
      balance_reset_period: 'none',
      balance_reset_amount: '9',
    });
    expect(res.body.balance_reset_amount).toBeNull();
  });
});
