import { InvalidInputError, PolicyViolationError } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { APIS, DAY, type FakeWorld, fakeWorld, NOW } from './world.js';

let world: FakeWorld;
afterEach(() => world?.close());

const at = (days: number) => new Date(NOW.getTime() + days * DAY);

/** The tutorial's setup_environments.py, as a desired state. */
const TUTORIAL = {
  dev: { 'web-app': {}, 'mobile-app': {}, testing: {} },
  staging: { 'web-app': { budget: 50, expiresInDays: 90 }, 'mobile-app': { budget: 50, expiresInDays: 90 } },
  prod: {
    'web-app': { budget: 500, expiresInDays: 90 },
    'mobile-app': { budget: 500, expiresInDays: 90 },
    'api-gateway': { budget: 1000, expiresInDays: 90 },
  },
};

describe.each(APIS)('plan on %s', (api) => {
  it('lists creates with the resolved settings, in order, and writes nothing', async () => {
    world = await fakeWorld({ api });
    const plan = await world.registry.plan(TUTORIAL);
    expect(plan.actions.map((a) => `${a.type} ${a.name}`)).toEqual([
      'create dev-mobile-app',
      'create dev-testing',
      'create dev-web-app',
      'create prod-api-gateway',
      'create prod-mobile-app',
      'create prod-web-app',
      'create staging-mobile-app',
      'create staging-web-app',
    ]);
    expect(plan.actions.find((a) => a.name === 'prod-api-gateway')).toEqual({
      type: 'create',
      name: 'prod-api-gateway',
      environment: 'prod',
      app: 'api-gateway',
      budget: 1000,
      expiresInDays: 90,
      resetPeriod: 'monthly',
    });
    expect(plan.actions.find((a) => a.name === 'dev-testing')).toEqual({
      type: 'create',
      name: 'dev-testing',
      environment: 'dev',
      app: 'testing',
    });
    expect(world.fake.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('is empty when everything matches (apply, then plan again)', async () => {
    world = await fakeWorld({ api });
    const result = await world.registry.apply(await world.registry.plan(TUTORIAL));
    expect(result.failed).toBe(0);
    world.fake.simulateUsage({ token: 'prod-web-app', cost: 120 }); // spending is not drift
    world.fake.resetRequestLog();
    expect((await world.registry.plan(TUTORIAL, { prune: true })).actions).toEqual([]);
    expect(world.writes()).toEqual([]);
  });

  it('budget drift with a reset period: the reset amount and period are compared', async () => {
    world = await fakeWorld({ api });
    await world.registry.create({ environment: 'prod', app: 'web' });
    world.fake.simulateUsage({ token: 'prod-web', cost: 100 }); // balance 400
    const plan = await world.registry.plan({ prod: { web: { budget: 800, resetPeriod: 'weekly' } } });
    expect(plan.actions).toEqual([
      {
        type: 'update',
        name: 'prod-web',
        environment: 'prod',
        app: 'web',
        changes: [
          { field: 'balanceResetPeriod', from: 'monthly', to: 'weekly' },
          { field: 'balanceResetAmount', from: 500, to: 800 },
          // The budget rises by 300, so does the balance: what was spent stays spent.
          { field: 'balance', from: 400, to: 700 },
        ],
        budget: { from: 500, to: 800 },
      },
    ]);
  });

  it('a balance above the budget is lowered; a spent one is left alone unless refill', async () => {
    world = await fakeWorld({ api });
    await world.registry.create({ environment: 'staging', app: 'web', budget: 90 });
    await world.registry.create({ environment: 'staging', app: 'api', budget: 50 });
    world.fake.simulateUsage({ token: 'staging-api', cost: 20 }); // 30 left
    const desired = { staging: { web: { budget: 60 }, api: { budget: 50 } } };
    expect((await world.registry.plan(desired)).actions).toEqual([
      expect.objectContaining({ name: 'staging-web', changes: [{ field: 'balance', from: 90, to: 60 }] }),
    ]);
    // The tutorial's refresh_environment_budgets: every balance back to its budget.
    const refill = await world.registry.plan(desired, { refill: true });
    expect(refill.actions.map((a) => (a.type === 'update' ? [a.name, a.changes] : a.name))).toEqual([
      ['staging-api', [{ field: 'balance', from: 30, to: 50 }]],
      ['staging-web', [{ field: 'balance', from: 90, to: 60 }]],
    ]);
  });

  it('an unlimited token gets its stated budget enforced', async () => {
    world = await fakeWorld({
      api,
      seed: [{ name: 'staging-web', tokenType: 'api_token', expireTime: at(30) }],
    });
    const plan = await world.registry.plan({ staging: { web: { budget: 40 } } });
    expect(plan.actions).toEqual([
      expect.objectContaining({
        type: 'update',
        changes: [
          { field: 'activeBalance', from: false, to: true },
          // What Eden reports for an unlimited token is not enforced: no balance to speak of.
          { field: 'balance', from: null, to: 40 },
        ],
        budget: { from: null, to: 40 },
      }),
    ]);
  });

  it('an explicit resetPeriod "none" survives into the create (not replaced by the policy’s)', async () => {
    world = await fakeWorld({ api });
    const plan = await world.registry.plan({ prod: { web: { budget: 100, resetPeriod: 'none' } } });
    expect(plan.actions[0]).toMatchObject({ type: 'create', budget: 100, resetPeriod: 'none' });
    await world.registry.apply(plan);
    expect(world.fake.tokens()[0]).toMatchObject({
      balance: 100,
      balanceResetPeriod: 'none',
      balanceResetAmount: null,
    });
  });

  it('budgets are left alone when the entry states none (the policy default only shapes new tokens)', async () => {
    world = await fakeWorld({ api });
    await world.registry.create({ environment: 'staging', app: 'web', budget: 80 });
    expect((await world.registry.plan({ staging: { web: {} } })).actions).toEqual([]);
  });

  it('a missing expiry is drift when the policy requires one; an expired token is renewed', async () => {
    world = await fakeWorld({
      api,
      seed: [
        {
          name: 'prod-web',
          tokenType: 'api_token',
          balance: 500,
          balanceResetPeriod: 'monthly',
          balanceResetAmount: 500,
        },
        { name: 'staging-web', tokenType: 'api_token', balance: 50, activeBalance: true, expireTime: at(-1) },
        { name: 'dev-web', tokenType: 'sandbox_api_token' },
      ],
    });
    const plan = await world.registry.plan({ prod: { web: {} }, staging: { web: {} }, dev: { web: {} } });
    expect(plan.actions).toEqual([
      expect.objectContaining({
        name: 'prod-web',
        changes: [{ field: 'expireTime', from: null, to: at(90) }],
      }),
      expect.objectContaining({
        name: 'staging-web',
        changes: [{ field: 'expireTime', from: at(-1), to: at(90) }],
      }),
    ]);
    expect((await world.registry.apply(plan)).failed).toBe(0);
    expect(world.fake.tokens().find((t) => t.name === 'staging-web')?.expireTime).toEqual(at(90));
  });

  it('prune deletes what the named environments no longer list, and nothing else', async () => {
    world = await fakeWorld({
      api,
      seed: [
        { name: 'prod-web', tokenType: 'api_token' },
        { name: 'prod-old', tokenType: 'api_token' },
        { name: 'prod-old--g2', tokenType: 'api_token' },
        { name: 'prod-eu-web', tokenType: 'api_token' }, // another environment sharing the prefix
        { name: 'staging-web', tokenType: 'api_token' }, // environment not named
        { name: 'legacy', tokenType: 'api_token' }, // unmanaged
        { name: 'production-key', tokenType: 'api_token' }, // unmanaged, looks similar
      ],
    });
    const desired = { prod: { web: {} } };
    expect((await world.registry.plan(desired)).actions.filter((a) => a.type === 'delete')).toEqual([]);
    const plan = await world.registry.plan(desired, { prune: true });
    expect(plan.actions.filter((a) => a.type === 'delete')).toEqual([
      { type: 'delete', name: 'prod-old', environment: 'prod', app: 'old' },
    ]);
    // `{ env: {} }` with prune is the tutorial's teardown_environment.
    const teardown = await world.registry.plan({ 'prod-eu': {} }, { prune: true });
    expect(teardown.actions.map((a) => `${a.type} ${a.name}`)).toEqual(['delete prod-eu-web']);
    expect(world.writes()).toEqual([]);
  });

  it('a token of another type than its policy cannot be changed: plan warns and leaves it', async () => {
    world = await fakeWorld({ api, seed: [{ name: 'dev-web', tokenType: 'api_token' }] });
    expect((await world.registry.plan({ dev: { web: {} } })).actions).toEqual([]);
    expect(world.logger.lines.join('\n')).toContain('dev-web is a api_token; dev uses sandbox_api_token');
  });

  it('refuses a bad desired state before any request', async () => {
    world = await fakeWorld({ api });
    const r = world.registry;
    await expect(r.plan({ qa: { web: {} } })).rejects.toThrow('Unknown environment "qa"');
    await expect(r.plan({ prod: { 'web app': {} } })).rejects.toThrow(InvalidInputError);
    await expect(r.plan({ prod: { web: { budget: -1 } } })).rejects.toThrow(InvalidInputError);
    await expect(r.plan({ prod: { web: { expire_days: 3 } as never } })).rejects.toThrow(
      'Unknown settings of prod-web field "expire_days"',
    );
    await expect(r.plan({ prod: { web: { budget: 5000 } } })).rejects.toThrow(PolicyViolationError);
    await expect(r.plan({ 'prod-eu': { web: {} } })).rejects.toThrow('rule budget.required');
    await expect(r.plan({ prod: { web: { expiresInDays: 400 } } })).rejects.toThrow('rule expiry.maxDays');
    await expect(r.plan(null as never)).rejects.toThrow(InvalidInputError);
    await expect(r.plan({}, { purge: true } as never)).rejects.toThrow('Unknown plan options field "purge"');
    expect(world.fake.requests).toEqual([]);
  });
});
