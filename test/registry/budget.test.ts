// The allocated budget as a durable fact (invariant 9): recorded by every write that sets it, read
// back by any process sharing the SecretStore, compared by plan(), and a fallback that says so.
import { TokenRegistry } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { APIS, DAY, type FakeWorld, fakeWorld, NOW } from './world.js';

let world: FakeWorld;
afterEach(() => world?.close());

const at = (days: number) => new Date(NOW.getTime() + days * DAY);

/** Budgets that do not refill, so Eden keeps nothing but the balance. */
const FLAT = {
  dev: { tokenType: 'sandbox_api_token' as const },
  staging: { budget: { default: 50, max: 100 } },
  prod: { budget: { max: 2000 }, expiry: { defaultDays: 90 } },
  monthly: { budget: { default: 300, resetPeriod: 'monthly' as const } },
};

/** Another process: its own backend connection and registry, the same SecretStore, no shared memory. */
function secondProcess(w: FakeWorld) {
  return new TokenRegistry({ backend: w.elsewhere, secrets: w.secrets, environments: FLAT, clock: w.clock });
}

describe.each(APIS)('allocated budgets on %s', (api) => {
  it('are recorded beside the value and read by a second process', async () => {
    world = await fakeWorld({ api, environments: FLAT });
    await world.registry.create({ environment: 'prod', app: 'web', budget: 1000 });
    world.fake.simulateUsage({ token: 'prod-web', cost: 850 });
    expect((await world.secrets.get('edenai/prod-web'))?.metadata).toMatchObject({ budget: 1000 });
    const other = secondProcess(world);
    expect(await other.get('prod-web')).toMatchObject({
      budget: 1000,
      budgetSource: 'recorded',
      balance: 150,
    });
    expect((await other.list()).map((t) => [t.name, t.budget, t.balance])).toEqual([['prod-web', 1000, 150]]);
  });

  it('setBudget and topUp record the budget; a refilling budget stays its reset amount', async () => {
    world = await fakeWorld({ api, environments: FLAT });
    const r = world.registry;
    await r.create({ environment: 'prod', app: 'web', budget: 500 });
    await r.create({ environment: 'monthly', app: 'job' });
    world.fake.simulateUsage({ token: 'prod-web', cost: 100 });
    expect(await r.topUp('prod-web', 50)).toMatchObject({
      budget: 550,
      balance: 450,
      budgetSource: 'recorded',
    });
    expect(await r.setBudget('prod-web', 800)).toMatchObject({ budget: 800, balance: 800 });
    expect(await secondProcess(world).get('prod-web')).toMatchObject({
      budget: 800,
      budgetSource: 'recorded',
    });
    // A top-up of a refilling budget lasts until the next refill: the budget is the reset amount.
    expect(await r.topUp('monthly-job', 20)).toMatchObject({
      budget: 300,
      budgetSource: 'reset-amount',
      balance: 320,
    });
    expect(await r.setBudget('monthly-job', 400)).toMatchObject({ budget: 400, balanceResetAmount: 400 });
  });

  it('tokens the SDK did not budget fall back, in order, and say which fallback they used', async () => {
    world = await fakeWorld({
      api,
      environments: FLAT,
      seed: [
        {
          name: 'monthly-legacy',
          balance: 120,
          activeBalance: true,
          balanceResetPeriod: 'monthly',
          balanceResetAmount: 250,
        },
        { name: 'staging-legacy', balance: 30, activeBalance: true, expireTime: at(30) },
        { name: 'staging-topped', balance: 70, activeBalance: true, expireTime: at(30) },
        { name: 'prod-legacy', balance: 12, activeBalance: true, expireTime: at(30) },
      ],
    });
    const view = (await world.registry.list()).map((t) => [t.name, t.budget, t.budgetSource]);
    expect(view).toEqual([
      ['monthly-legacy', 250, 'reset-amount'],
      ['prod-legacy', 12, 'observed'],
      ['staging-legacy', 50, 'policy'],
      // Above the policy default: the default cannot have been its budget.
      ['staging-topped', 70, 'observed'],
    ]);
  });

  it('an entry written before budgets were recorded falls back until the next write records one', async () => {
    world = await fakeWorld({ api, environments: FLAT });
    await world.registry.create({ environment: 'prod', app: 'old', budget: 200 });
    const entry = (await world.secrets.get('edenai/prod-old'))!;
    await world.secrets.set('edenai/prod-old', entry.value, {
      metadata: { tokenName: 'prod-old', generation: 1 },
    });
    expect(await world.registry.get('prod-old')).toMatchObject({ budget: 200, budgetSource: 'observed' });
    await world.registry.setBudget('prod-old', 200);
    const after = await world.secrets.get('edenai/prod-old');
    expect(after?.metadata).toEqual({ tokenName: 'prod-old', generation: 1, budget: 200 });
    expect(after?.value.reveal()).toBe(entry.value.reveal());
    expect(await secondProcess(world).get('prod-old')).toMatchObject({ budgetSource: 'recorded' });
  });

  it('unlimited tokens show no budget and no balance, in objects and JSON', async () => {
    world = await fakeWorld({ api, environments: FLAT });
    const created = await world.registry.create({ environment: 'dev', app: 'sandbox' });
    const listed = await world.registry.get('dev-sandbox');
    for (const t of [created, listed]) {
      expect(t).toMatchObject({ activeBalance: false, budget: null, budgetSource: null, balance: null });
      expect(JSON.parse(JSON.stringify(t))).toMatchObject({ budget: null, balance: null });
    }
    expect((await world.secrets.get('edenai/dev-sandbox'))?.metadata).toEqual({
      tokenName: 'dev-sandbox',
      generation: 1,
    });
  });
});

describe.each(APIS)('plan() against the allocated budget on %s', (api) => {
  it('500 → 800 raises the balance by 300, keeping what was spent; 800 → 500 lowers it again', async () => {
    world = await fakeWorld({ api, environments: FLAT });
    const r = world.registry;
    await r.apply(await r.plan({ prod: { 'web-app': { budget: 500 } } }));
    world.fake.simulateUsage({ token: 'prod-web-app', cost: 120 });
    const up = await r.plan({ prod: { 'web-app': { budget: 800 } } });
    expect(up.actions).toEqual([
      {
        type: 'update',
        name: 'prod-web-app',
        environment: 'prod',
        app: 'web-app',
        changes: [{ field: 'balance', from: 380, to: 680 }],
        budget: { from: 500, to: 800 },
      },
    ]);
    const applied = await r.apply(up);
    expect(applied.results[0]?.token).toMatchObject({ budget: 800, balance: 680, budgetSource: 'recorded' });
    // Applied: nothing left to do, from this process or another.
    expect((await r.plan({ prod: { 'web-app': { budget: 800 } } })).actions).toEqual([]);
    expect((await secondProcess(world).plan({ prod: { 'web-app': { budget: 800 } } })).actions).toEqual([]);

    const down = await r.plan({ prod: { 'web-app': { budget: 500 } } });
    expect(down.actions).toMatchObject([
      { changes: [{ field: 'balance', from: 680, to: 380 }], budget: { from: 800, to: 500 } },
    ]);
    // A plan read back from JSON applies the same.
    await r.apply(JSON.parse(JSON.stringify(down)));
    expect(await r.get('prod-web-app')).toMatchObject({ budget: 500, balance: 380 });
  });

  it('a lower budget never takes the balance below zero; refill still resets it to the budget', async () => {
    world = await fakeWorld({ api, environments: FLAT });
    const r = world.registry;
    await r.create({ environment: 'prod', app: 'web', budget: 500 });
    world.fake.simulateUsage({ token: 'prod-web', cost: 450 });
    const plan = await r.plan({ prod: { web: { budget: 100 } } });
    expect(plan.actions).toMatchObject([
      { changes: [{ field: 'balance', from: 50, to: 0 }], budget: { from: 500, to: 100 } },
    ]);
    await r.apply(plan);
    expect(await r.get('prod-web')).toMatchObject({ budget: 100, balance: 0 });
    const refill = await r.plan({ prod: { web: { budget: 100 } } }, { refill: true });
    expect(refill.actions).toMatchObject([{ changes: [{ field: 'balance', from: 0, to: 100 }] }]);
    expect(refill.actions[0]).not.toHaveProperty('budget');
  });

  it('a budget only observed is recorded, not guessed: the balance moves only when above the budget', async () => {
    world = await fakeWorld({ api, environments: FLAT });
    const r = world.registry;
    await r.create({ environment: 'prod', app: 'web', budget: 500 });
    const entry = (await world.secrets.get('edenai/prod-web'))!;
    await world.secrets.set('edenai/prod-web', entry.value, {
      metadata: { tokenName: 'prod-web', generation: 1 },
    });
    world.fake.simulateUsage({ token: 'prod-web', cost: 100 });
    const plan = await r.plan({ prod: { web: { budget: 600 } } });
    expect(plan.actions).toEqual([
      expect.objectContaining({ type: 'update', changes: [], budget: { from: 400, to: 600 } }),
    ]);
    world.fake.resetRequestLog();
    await r.apply(plan);
    expect(world.writes()).toEqual([]); // nothing for Eden: only the SecretStore entry
    expect(await r.get('prod-web')).toMatchObject({ budget: 600, budgetSource: 'recorded', balance: 400 });
    expect((await r.plan({ prod: { web: { budget: 600 } } })).actions).toEqual([]);
  });

  it('a token without a SecretStore entry converges: no action that could not be recorded', async () => {
    world = await fakeWorld({
      api,
      environments: FLAT,
      seed: [{ name: 'staging-legacy', balance: 30, activeBalance: true, expireTime: at(30) }],
    });
    const r = world.registry;
    // Falls back to the policy default ($50): a desired $40 can be neither recorded nor inferred.
    expect((await r.plan({ staging: { legacy: { budget: 40 } } })).actions).toEqual([]);
    const lower = await r.plan({ staging: { legacy: { budget: 20 } } });
    expect(lower.actions).toMatchObject([{ changes: [{ field: 'balance', from: 30, to: 20 }] }]);
    await r.apply(lower);
    expect(world.logger.lines.some((l) => l.includes('could not be recorded'))).toBe(true);
    expect((await r.plan({ staging: { legacy: { budget: 20 } } })).actions).toEqual([]);
  });

  it('a hand-written plan with a bad budget is refused before anything is written', async () => {
    world = await fakeWorld({ api, environments: FLAT });
    await world.registry.create({ environment: 'staging', app: 'web', budget: 50 });
    world.fake.resetRequestLog();
    const update = (budget: unknown) => ({
      actions: [
        { type: 'update', name: 'staging-web', environment: 'staging', app: 'web', changes: [], budget },
      ],
    });
    // biome-ignore lint/suspicious/noExplicitAny: hand-written plans are untyped JSON
    const apply = (budget: unknown) => world.registry.apply(update(budget) as any);
    await expect(apply({ from: 50, to: -1 })).rejects.toThrow(/budget of staging-web\.to/);
    await expect(apply({ from: 50, to: 500 })).rejects.toThrow(/exceeds staging's maximum/);
    await expect(apply({ to: 60, extra: 1 })).rejects.toThrow(/Unknown budget of staging-web field "extra"/);
    expect(world.writes()).toEqual([]);
    expect((await world.secrets.get('edenai/staging-web'))?.metadata?.['budget']).toBe(50);
  });
});
