import {
  ConfigurationError,
  InvalidInputError,
  MemorySecretStore,
  PolicyViolationError,
  TokenRegistry,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../helpers/memory-backend.js';
import { APIS, type FakeWorld, fakeWorld } from './world.js';

let world: FakeWorld;
afterEach(() => world?.close());

const STRICT = {
  capped: { budget: { max: 10 } },
  expiring: { expiry: { required: true } },
  budgeted: { budget: { required: true } },
};

async function violation(p: Promise<unknown>): Promise<PolicyViolationError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PolicyViolationError);
  return err as PolicyViolationError;
}

describe.each(APIS)('policy rules on create on %s (nothing is sent when a rule fails)', (api) => {
  it('budget.max names the environment, rule and value', async () => {
    world = await fakeWorld({ api });
    const err = await violation(world.registry.create({ environment: 'prod', app: 'web', budget: 3000 }));
    expect(err.message).toBe("Budget $3000 exceeds prod's maximum of $2000 (rule budget.max)");
    expect(err).toMatchObject({ environment: 'prod', rule: 'budget.max', value: 3000 });
    expect(world.fake.requests).toEqual([]);
  });

  it('budget.max also refuses an unlimited token', async () => {
    world = await fakeWorld({ api, environments: STRICT });
    const err = await violation(world.registry.create({ environment: 'capped', app: 'web' }));
    expect(err.message).toBe("An unlimited budget exceeds capped's maximum of $10 (rule budget.max)");
    expect(world.fake.requests).toEqual([]);
  });

  it('budget.required', async () => {
    world = await fakeWorld({ api });
    const err = await violation(world.registry.create({ environment: 'prod-eu', app: 'web' }));
    expect(err.message).toBe(
      'prod-eu requires a budget, and none was given (nor a budget.default) (rule budget.required)',
    );
    expect(err).toMatchObject({ environment: 'prod-eu', rule: 'budget.required', value: null });
    // With a budget it passes.
    await world.registry.create({ environment: 'prod-eu', app: 'web', budget: 5 });
    expect(world.fake.tokens().map((t) => t.name)).toEqual(['prod-eu-web']);
  });

  it('expiry.required', async () => {
    world = await fakeWorld({ api, environments: STRICT });
    const err = await violation(world.registry.create({ environment: 'expiring', app: 'web' }));
    expect(err.message).toBe(
      'expiring requires an expiry, and none was given (nor an expiry.defaultDays) (rule expiry.required)',
    );
    expect(err.rule).toBe('expiry.required');
    expect(world.fake.requests).toEqual([]);
  });

  it('expiry.maxDays', async () => {
    world = await fakeWorld({ api });
    const err = await violation(
      world.registry.create({ environment: 'prod', app: 'web', expiresInDays: 365 }),
    );
    expect(err.message).toBe("Expiry of 365 days exceeds prod's maximum of 180 days (rule expiry.maxDays)");
    expect(err).toMatchObject({ rule: 'expiry.maxDays', value: 365 });
    expect(world.fake.requests).toEqual([]);
  });

  it('tokenType (a desired state asking for another type than the policy)', async () => {
    world = await fakeWorld({ api });
    const err = await violation(world.registry.plan({ prod: { web: { tokenType: 'sandbox_api_token' } } }));
    expect(err.message).toBe(
      'Token type sandbox_api_token is not allowed in prod, which uses api_token (rule tokenType)',
    );
    expect(err).toMatchObject({ rule: 'tokenType', value: 'sandbox_api_token' });
    expect(world.fake.requests).toEqual([]);
  });
});

describe.each(APIS)('bad input is an InvalidInputError before any request (%s)', (api) => {
  it.each([
    ['a negative budget', { budget: -1 }, 'must not be negative'],
    ['a NaN budget', { budget: Number.NaN }, 'finite number'],
    ['an infinite budget', { budget: Number.POSITIVE_INFINITY }, 'finite number'],
    ['a string budget', { budget: '50' }, 'finite number'],
    ['a budget with 10 decimals', { budget: 1.0000000001 }, 'more than 9 decimals'],
    ['a budget beyond Eden’s 5 digits', { budget: 100_000 }, 'at most'],
    ['fractional days', { expiresInDays: 1.5 }, 'whole number of days'],
    ['zero days', { expiresInDays: 0 }, 'whole number of days'],
    ['negative days', { expiresInDays: -3 }, 'whole number of days'],
    ['an unknown reset period', { resetPeriod: 'yearly' }, 'resetPeriod'],
    ['an unknown environment', { environment: 'qa' }, 'Unknown environment "qa": declared environments are'],
    ['a malformed app', { app: 'web app' }, 'Invalid app name'],
  ])('%s', async (_, patch, message) => {
    world = await fakeWorld({ api });
    const input = { environment: 'staging', app: 'web', ...patch } as never;
    const err = await world.registry.create(input).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toContain(message);
    expect(world.fake.requests).toEqual([]);
  });

  it('accepts exactly 9 decimals', async () => {
    world = await fakeWorld({ api });
    const t = await world.registry.create({ environment: 'staging', app: 'web', budget: 1.123456789 });
    expect(t.balance).toBe(1.123456789);
  });

  it('a reset period needs a budget', async () => {
    world = await fakeWorld({ api });
    await expect(
      world.registry.create({ environment: 'dev', app: 'web', resetPeriod: 'daily' }),
    ).rejects.toThrow('A daily budget reset needs a budget');
  });

  it('policyFor lists the declared environments', async () => {
    world = await fakeWorld({ api });
    expect(world.registry.policyFor('prod').budget?.max).toBe(2000);
    expect(() => world.registry.policyFor('qa')).toThrow(
      'Unknown environment "qa": declared environments are dev, staging, prod, prod-eu',
    );
  });
});

// No backend call: the constructor checks its options only.
describe('constructor', () => {
  const base = { backend: new MemoryBackend(), secrets: new MemorySecretStore() };
  it.each([
    ['no environments', {}],
    ['an environment named unmanaged', { unmanaged: {} }],
    ['a bad policy', { prod: { budget: { max: -1 } } }],
    ['an unknown policy field', { prod: { budgets: {} } }],
    ['default above max', { prod: { budget: { default: 10, max: 5 } } }],
  ])('refuses %s with a ConfigurationError', (_, environments) => {
    expect(() => new TokenRegistry({ ...base, environments: environments as never })).toThrow(
      ConfigurationError,
    );
  });

  it('refuses a backend or store that does not implement the port', () => {
    const environments = { dev: {} };
    expect(() => new TokenRegistry({ ...base, backend: {} as never, environments })).toThrow(
      'missing create()',
    );
    expect(() => new TokenRegistry({ ...base, secrets: {} as never, environments })).toThrow('missing get()');
  });

  it('exposes its collaborators and frozen environments', () => {
    const registry = new TokenRegistry({ ...base, environments: { dev: {} }, secretPrefix: 'vault/' });
    expect(registry.backend).toBe(base.backend);
    expect(registry.secrets).toBe(base.secrets);
    expect(registry.environments['dev']?.tokenType).toBe('api_token');
    expect(Object.isFrozen(registry.environments)).toBe(true);
    expect(registry.secretRefFor('dev-x')).toBe('vault/dev-x');
    expect(registry.clock()).toBeInstanceOf(Date);
  });
});
