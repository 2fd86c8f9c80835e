import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI, type FakeState } from 'edenai-token-manager/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, request, tokenPath } from './helpers.js';

const TOKENS = '/user/custom_token/';
const REPORT = '/cost_management/?begin=2026-03-01&end=2026-03-31&step=1';
let dir: string;
const fakes: FakeEdenAI[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fake-edenai-'));
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function open(options: Parameters<typeof createFakeEdenAI>[0] = {}) {
  const fake = await createFakeEdenAI({ listen: false, ...options });
  fakes.push(fake);
  const call = (method: string, path: string, body?: unknown) =>
    request(fake.fetch, fake, method, path, body);
  return { fake, call };
}

async function populate(call: Awaited<ReturnType<typeof open>>['call'], fake: FakeEdenAI) {
  await call('POST', TOKENS, { name: 'a', balance: '10.123456789', active_balance: true });
  await call('POST', TOKENS, {
    name: 'b',
    token_type: 'sandbox_api_token',
    expire_time: '2027-01-01T00:00:00Z',
    balance_reset_period: 'monthly',
    balance_reset_amount: '30',
  });
  await call('POST', TOKENS, { name: 'gone' });
  fake.simulateUsage({ token: 'a', cost: 0.1, date: '2026-03-02' });
  fake.simulateUsage({ token: 'gone', cost: 1, date: '2026-03-03', feature: 'ocr__ocr', provider: 'google' });
  await call('DELETE', tokenPath('gone'));
}

describe('stateFile', () => {
  it('round trip: a second fake on the same file sees the same tokens, values, budgets, history and credits', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await open({ stateFile });
    await populate(first.call, first.fake);
    const before = {
      tokens: (await first.call('GET', TOKENS)).body,
      report: (await first.call('GET', REPORT)).body,
      credits: (await first.call('GET', '/cost_management/credits/')).body,
    };
    await first.fake.close();

    const second = await open({ stateFile });
    expect((await second.call('GET', TOKENS)).body).toEqual(before.tokens);
    expect((await second.call('GET', REPORT)).body).toEqual(before.report);
    expect((await second.call('GET', '/cost_management/credits/')).body).toEqual(before.credits);
    expect(second.fake.tokens().find((t) => t.name === 'a')!.balance).toBe(10.023456789);
    // Name uniqueness survives the reload.
    expect((await second.call('POST', TOKENS, { name: 'a' })).status).toBe(400);
  });

  it('is saved after every change, owner-only, and starts empty when the file is absent', async () => {
    const stateFile = join(dir, 'new.json');
    const { fake, call } = await open({ stateFile });
    expect(fake.tokens()).toEqual([]);
    await call('POST', TOKENS, { name: 'x' });
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as FakeState;
    expect(saved.tokens.map((t) => t.name)).toEqual(['x']);
    expect(saved.tokens[0]!.value).toBe(fake.tokenValue('x'));
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    fake.simulateUsage({ token: 'x', cost: 1 });
    expect((JSON.parse(readFileSync(stateFile, 'utf8')) as FakeState).usage).toHaveLength(1);
  });

  it('rejects a corrupt file with InvalidInputError', async () => {
    const stateFile = join(dir, 'bad.json');
    writeFileSync(stateFile, '{"version":1, "tokens": [sk-eden-fake-abc');
    const error = await createFakeEdenAI({ listen: false, stateFile }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(String(error)).not.toContain('sk-eden-fake-abc');
  });

  it('persists budget refills applied lazily on read', async () => {
    const stateFile = join(dir, 'reset.json');
    const time = manualClock('2026-03-10T12:00:00Z');
    const first = await open({ stateFile, clock: time.clock });
    await first.call('POST', TOKENS, { name: 'd', balance_reset_period: 'daily', balance_reset_amount: '4' });
    first.fake.simulateUsage({ token: 'd', cost: 3 });
    time.advance(24 * 3600_000);
    expect(first.fake.tokens()[0]!.balance).toBe(4);
    await first.fake.close();
    const second = await open({ stateFile, clock: time.clock });
    expect(second.fake.tokens()[0]!.balance).toBe(4);
    second.fake.simulateUsage({ token: 'd', cost: 1 });
    expect(second.fake.tokens()[0]!.balance).toBe(3); // no second refill in the same Paris day
  });
});

describe('exportState / importState', () => {
  it('exports plain JSON with exact decimal money and imports it into another fake', async () => {
    const first = await open();
    await populate(first.call, first.fake);
    const state = first.fake.exportState();
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.tokens.find((t) => t.name === 'a')).toMatchObject({
      balance: '10.023456789',
      activeBalance: true,
    });
    expect(state.usage).toHaveLength(2);
    const second = await open();
    second.fake.importState(state);
    expect(second.fake.exportState()).toEqual(state);
    expect(second.fake.tokenValue('a')).toBe(first.fake.tokenValue('a'));
  });

  it('accepts hand-written numbers for money', async () => {
    const { fake, call } = await open();
    fake.importState({
      version: 1,
      credits: 5 as never,
      tokens: [
        {
          name: 'h',
          value: 'sk-eden-fake-hand',
          tokenType: 'api_token',
          balance: 2.5 as never,
          activeBalance: true,
          expireTime: null,
          balanceResetPeriod: 'none',
          balanceResetAmount: null,
          resetPeriodKey: null,
        },
      ],
      usage: [],
    });
    expect((await call('GET', tokenPath('h'))).body).toMatchObject({
      balance: 2.5,
      token: 'sk-eden-fake-hand',
    });
    expect((await call('GET', '/cost_management/credits/')).body).toEqual({ credits: 5 });
  });

  it.each([
    ['a wrong version', { version: 2, credits: '1', tokens: [], usage: [] }],
    ['a bad token type', { version: 1, credits: '1', tokens: [{ name: 'x', tokenType: 'x' }], usage: [] }],
    [
      'a bad usage date',
      {
        version: 1,
        credits: '1',
        tokens: [],
        usage: [{ token: 'x', date: 'now', feature: 'a__b', provider: 'p', cost: '1', calls: 1 }],
      },
    ],
  ])('rejects %s with InvalidInputError and keeps the current state', async (_label, state) => {
    const { fake, call } = await open();
    await call('POST', TOKENS, { name: 'keep' });
    expect(() => fake.importState(state as never)).toThrow(InvalidInputError);
    expect(fake.tokens().map((t) => t.name)).toEqual(['keep']);
  });

  it('rejects duplicate token names', async () => {
    const { fake } = await open();
    const token = {
      name: 'x',
      value: 'v',
      tokenType: 'api_token',
      balance: '1',
      activeBalance: false,
      expireTime: null,
      balanceResetPeriod: 'none',
      balanceResetAmount: null,
      resetPeriodKey: null,
    } as const;
    expect(() => fake.importState({ version: 1, credits: '1', tokens: [token, token], usage: [] })).toThrow(
      /unique/,
    );
  });
});
