// Alerts measure balances against the allocated budget (invariant 9): right on the first run of a
// new process with a brand-new state store, the same after rotate + finalize, null for unlimited
// tokens, and the budgets weighed against the account's credits.
import type { Alert, CreditsSource, HealthReport } from 'edenai-token-manager';
import {
  AlertSystem,
  ConfigurationError,
  CostClient,
  formatHealthReport,
  MemorySecretStore,
  MemoryStateStore,
  TokenRegistry,
  UsageMonitor,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendCase } from '../helpers/backends.js';
import { createWorld, HOUR, WITH_GRACE, type World } from '../rotation/harness.js';
import { fakeClock, recorder } from './helpers.js';

const ENVIRONMENTS = {
  dev: { tokenType: 'sandbox_api_token' as const },
  // No budget default: only a recorded budget can say what these tokens were given.
  prod: { budget: { max: 2000 } },
};

let closeWorld: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeWorld?.();
  closeWorld = undefined;
});

async function setup(api: BackendCase, fakeOptions: { credits?: number } = {}) {
  const clock = fakeClock('2026-01-15T12:00:00Z');
  const { fake, backend, close } = await api.create({ clock, ...fakeOptions });
  closeWorld = close;
  const secrets = new MemorySecretStore();
  const registry = new TokenRegistry({ backend, secrets, environments: ENVIRONMENTS, clock });
  /** Another process on the same account and SecretStore, with nothing else in common. */
  const otherProcess = () => {
    const other = api.connect(fake, clock);
    return new TokenRegistry({ backend: other.backend, secrets, environments: ENVIRONMENTS, clock });
  };
  return { fake, clock, registry, otherProcess };
}

const health = (report: HealthReport, name: string) =>
  report.environments.flatMap((e) => e.tokens).find((t) => t.name === name);

describe.each(BACKENDS)('alerts against the allocated budget on $api', (api) => {
  it('a new process with a brand-new state store alerts on its first run', async () => {
    const { fake, registry, clock, otherProcess } = await setup(api);
    await registry.create({ environment: 'prod', app: 'web-app', budget: 1000 });
    fake.simulateUsage({ token: 'prod-web-app', cost: 850 });

    const fresh = new AlertSystem({
      registry: otherProcess(),
      notifiers: [],
      state: new MemoryStateStore(),
      clock,
    });
    const [low] = await fresh.checkLowBalanceTokens();
    expect(low).toMatchObject({
      kind: 'low-balance',
      balance: 150,
      budget: 1000,
      message: 'prod-web-app balance is low: $150.00 left of $1,000.00 (15%)',
    });
    const report = await fresh.run();
    expect(health(report, 'prod-web-app')).toMatchObject({
      status: 'warning',
      balance: 150,
      budget: 1000,
      budgetSource: 'recorded',
    });
    expect(report.alerts.map((a) => a.id)).toContain('budget-threshold:prod-web-app:75pct:allocation');
  });

  it('unlimited tokens show no balance and no budget, in the report and its JSON', async () => {
    const { fake, registry, clock } = await setup(api);
    await registry.create({ environment: 'dev', app: 'sandbox' });
    const alerts = new AlertSystem({ registry, notifiers: [], clock });
    const report = await alerts.run();
    const sandbox = { balance: null, budget: null, budgetSource: null, status: 'ok' };
    expect(health(report, 'dev-sandbox')).toMatchObject(sandbox);
    expect(health(JSON.parse(JSON.stringify(report)), 'dev-sandbox')).toMatchObject(sandbox);
    const usage = new UsageMonitor({ registry, source: new CostClient(fake.clientOptions), clock });
    expect(await usage.forecast('dev-sandbox')).toMatchObject({
      balance: null,
      budget: null,
      budgetUsed: null,
    });
  });

  it('a token the SDK did not budget is measured against the largest balance seen, and says so', async () => {
    const { fake, registry, clock } = await setup(api);
    await registry.backend.create({ name: 'prod-legacy', balance: 40, activeBalance: true });
    const state = new MemoryStateStore();
    const alerts = new AlertSystem({ registry, notifiers: [], state, clock });
    expect(health(await alerts.run(), 'prod-legacy')).toMatchObject({ budget: 40, budgetSource: 'observed' });
    fake.simulateUsage({ token: 'prod-legacy', cost: 35 });
    expect(await registry.get('prod-legacy')).toMatchObject({ budget: 5, budgetSource: 'observed' });
    const report = await alerts.run();
    expect(health(report, 'prod-legacy')).toMatchObject({ balance: 5, budget: 40, budgetSource: 'observed' });
    expect(report.alerts.map((a) => a.kind)).toContain('low-balance');
  });
});

describe.each(WITH_GRACE)('rotate + finalize keeps the low-balance alert on $label', (flavour) => {
  let world: World;
  afterEach(() => world.fake.close());

  it('a token at 16 % before rotation is at 16 % after finalize', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'staging', app: 'web', budget: 50 });
    world.fake.simulateUsage({ token: 'staging-web', cost: 42 });
    const rec = recorder();
    const alerts = new AlertSystem({
      registry: world.registry,
      notifiers: [rec.notifier],
      state: new MemoryStateStore(),
      clock: world.clock,
    });
    const message = 'staging-web balance is low: $8.00 left of $50.00 (16%)';
    expect((await alerts.checkLowBalanceTokens()).map((a) => a.message)).toEqual([message]);

    const manager = world.manager({ gracePeriodMs: HOUR });
    await manager.rotate('staging-web');
    world.advance(HOUR);
    await manager.finalize();

    const after = await alerts.checkLowBalanceTokens();
    expect(after.map((a) => [a.tokenName, a.message])).toEqual([['staging-web--g2', message]]);
    const report = await alerts.run();
    expect(formatHealthReport(report)).toContain('LOW BALANCE TOKENS:');
    expect(health(report, 'staging-web')).toMatchObject({ budget: 50, budgetSource: 'recorded', balance: 8 });
    // A cron job's first run after the rotation says the same.
    const fresh = new AlertSystem({ registry: world.registry, notifiers: [], clock: world.clock });
    expect((await fresh.checkLowBalanceTokens()).map((a) => a.message)).toEqual([message]);
  });
});

describe.each(BACKENDS)('budgets against the account credits on $api', (api) => {
  it('alerts when credits run low and when the budgets exceed them; once each; in the report', async () => {
    const { registry, clock, fake } = await setup(api, { credits: 200 });
    await registry.create({ environment: 'prod', app: 'web', budget: 1000 });
    await registry.create({ environment: 'prod', app: 'api', budget: 800 });
    await registry.create({ environment: 'dev', app: 'sandbox' });
    const rec = recorder();
    const alerts = new AlertSystem({
      registry,
      notifiers: [rec.notifier],
      credits: new CostClient(fake.clientOptions),
      lowCreditsAmount: 250,
      clock,
    });
    const report = await alerts.run();
    expect(report.account).toMatchObject({ credits: 200, allocated: 1800, unlimited: 1 });
    const account = report.alerts.filter((a) => a.environment === 'account');
    expect(account.map((a) => [a.id, a.severity, a.balance, a.budget])).toEqual([
      ['low-credits:account', 'warning', 200, 1800],
      ['budgets-exceed-credits:account', 'warning', 200, 1800],
    ]);
    expect(report.account?.alerts).toEqual(account);
    expect(account.map((a) => a.message)).toEqual([
      "The Eden AI account's credits are low: $200.00 left (below $250.00); requests are refused (402) once they run out",
      "Allocated token budgets ($1,800.00) exceed the account's credits ($200.00): tokens may be refused (402) before their budgets run out",
    ]);
    expect(formatHealthReport(report)).toContain(
      '⚠️  Account credits: $200.00 (allocated token budgets: $1,800.00)',
    );
    expect(JSON.parse(JSON.stringify(report)).account).toMatchObject({ credits: 200, allocated: 1800 });
    await alerts.run();
    expect(rec.ids().filter((id) => id.endsWith(':account'))).toEqual([
      'low-credits:account',
      'budgets-exceed-credits:account',
    ]);
  });

  it('credits that cover the budgets: no account alert; a failed read keeps what was sent', async () => {
    const { registry, clock } = await setup(api);
    await registry.create({ environment: 'prod', app: 'web', budget: 100 });
    let credits = 0;
    let failing = false;
    const source: CreditsSource = {
      async credits() {
        if (failing) throw new Error('credits endpoint down');
        return credits;
      },
    };
    const rec = recorder();
    const alerts = new AlertSystem({ registry, notifiers: [rec.notifier], credits: source, clock });
    const kinds = (r: HealthReport) => r.alerts.filter((a) => a.environment === 'account').map((a) => a.kind);
    const first = await alerts.run();
    expect(first.alerts.find((a: Alert) => a.kind === 'low-credits')?.severity).toBe('critical');
    expect(kinds(first)).toEqual(['low-credits', 'budgets-exceed-credits']);
    failing = true;
    const blind = await alerts.run();
    expect(blind.account).toBeUndefined();
    failing = false;
    await alerts.run();
    expect(rec.ids().filter((id) => id.endsWith(':account'))).toHaveLength(2); // not sent again
    credits = 500;
    const fine = await alerts.run();
    expect(kinds(fine)).toEqual([]);
    expect(formatHealthReport(fine)).toContain(
      '✓ Account credits: $500.00 (allocated token budgets: $100.00)',
    );
  });

  it('refuses a credits source without credits() and a negative threshold', async () => {
    const { registry } = await setup(api);
    const bad = (options: object) => () => new AlertSystem({ registry, notifiers: [], ...options });
    expect(bad({ credits: {} })).toThrow(ConfigurationError);
    expect(bad({ credits: { credits: async () => 1 }, lowCreditsAmount: -1 })).toThrow(
      /lowCreditsAmount` must be a USD amount/,
    );
  });
});
