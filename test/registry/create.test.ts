import { ConfigurationError, InvalidInputError } from 'edenai-token-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APIS, DAY, type FakeWorld, fakeWorld, memoryWorld, NOW } from './world.js';

let world: FakeWorld;
afterEach(() => world?.close());

const at = (days: number) => new Date(NOW.getTime() + days * DAY);

describe.each(APIS)('TokenRegistry.create (fake Eden AI, %s)', (api) => {
  it('applies the environment policy: type, budget with monthly reset, default expiry', async () => {
    world = await fakeWorld({ api });
    const token = await world.registry.create({ environment: 'prod', app: 'web-app' });
    expect(token).toEqual({
      name: 'prod-web-app',
      tokenName: 'prod-web-app',
      generation: 1,
      environment: 'prod',
      app: 'web-app',
      tokenType: 'api_token',
      budget: 500,
      budgetSource: 'reset-amount',
      balance: 500,
      activeBalance: true,
      expireTime: at(90),
      balanceResetPeriod: 'monthly',
      balanceResetAmount: 500,
      secretRef: 'edenai/prod-web-app',
      generations: ['prod-web-app'],
      // v3 reports the key's cost tags (none here); v2 has none.
      ...(api === 'v3' && { tags: {} }),
    });
    expect(world.fake.tokens()).toEqual([
      {
        name: 'prod-web-app',
        tokenType: 'api_token',
        balance: 500,
        activeBalance: true,
        expireTime: at(90),
        balanceResetPeriod: 'monthly',
        balanceResetAmount: 500,
      },
    ]);
    // v2: POST, then a GET for the value (its create response never carries it); v3: the value
    // comes with the create answer, so no read, and a PATCH removes the one-time creation marker.
    expect(world.fake.requests.map((r) => `${r.method} ${r.status}`)).toEqual(
      world.valuesOn === 'read' ? ['POST 201', 'GET 200'] : ['POST 201', 'PATCH 200'],
    );
    expect(world.fake.requests.every((r) => r.path.startsWith(`/${api}/`))).toBe(true);
  });

  it('stores the value in the SecretStore with metadata, and never returns it', async () => {
    world = await fakeWorld({ api });
    const token = await world.registry.create({ environment: 'staging', app: 'api', budget: 75 });
    const value = world.fake.tokenValue('staging-api')!;
    const entry = await world.secrets.get(token.secretRef);
    expect(entry?.value.reveal()).toBe(value);
    expect(entry?.metadata).toEqual({ tokenName: 'staging-api', generation: 1, budget: 75 });
    expect(token).not.toHaveProperty('secret');
    expect(JSON.stringify(token)).not.toContain(value);
    expect(world.logger.lines.join('\n')).not.toContain(value);
  });

  it('without budget or default the token is unlimited; without expiry days it never expires', async () => {
    world = await fakeWorld({ api });
    const token = await world.registry.create({ environment: 'dev', app: 'testing' });
    expect(token).toMatchObject({
      tokenType: 'sandbox_api_token',
      budget: null,
      budgetSource: null,
      balance: null,
      activeBalance: false,
      expireTime: null,
      balanceResetPeriod: 'none',
    });
  });

  it('explicit budget, expiry and reset period win over the defaults', async () => {
    world = await fakeWorld({ api });
    const token = await world.registry.create({
      environment: 'staging',
      app: 'web',
      budget: 80.5,
      expiresInDays: 10,
      resetPeriod: 'weekly',
    });
    expect(token).toMatchObject({
      balance: 80.5,
      activeBalance: true,
      expireTime: at(10),
      balanceResetPeriod: 'weekly',
      balanceResetAmount: 80.5,
    });
  });

  it('a SecretStore failure deletes the new token and rethrows', async () => {
    world = await fakeWorld({ api });
    vi.spyOn(world.secrets, 'set').mockRejectedValueOnce(new Error('vault unavailable'));
    await expect(world.registry.create({ environment: 'dev', app: 'web' })).rejects.toThrow(
      'vault unavailable',
    );
    expect(world.fake.tokens()).toEqual([]);
  });

  it('an existing name is name_taken (v2: a 400, v3: a 409); the existing token and entry are untouched', async () => {
    world = await fakeWorld({ api });
    await world.registry.create({ environment: 'dev', app: 'web' });
    const before = await world.secrets.get('edenai/dev-web');
    await expect(world.registry.create({ environment: 'dev', app: 'web' })).rejects.toMatchObject({
      name: api === 'v3' ? 'ConflictError' : 'BadRequestError',
      code: 'name_taken',
    });
    expect(world.fake.tokens()).toHaveLength(1);
    expect((await world.secrets.get('edenai/dev-web'))?.version).toBe(before?.version);
  });

  it('rejects unknown input fields before any request (a typo is not silently ignored)', async () => {
    world = await fakeWorld({ api });
    const input = { environment: 'prod', app: 'web', expireDays: 30 } as never;
    await expect(world.registry.create(input)).rejects.toThrow('Unknown create input field "expireDays"');
    await expect(world.registry.create(null as never)).rejects.toThrow(InvalidInputError);
    expect(world.fake.requests).toEqual([]);
  });
});

// v2 only: masked mode is a v2 wire setting (v3 reads never carry values, and its create always does).
describe('TokenRegistry.create (v2 masked values)', () => {
  it('a backend that exposes no value: ConfigurationError, and the token is deleted again', async () => {
    world = await fakeWorld({ tokenValues: 'masked' });
    const err = await world.registry.create({ environment: 'dev', app: 'web' }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/does not expose token values.*deleted again/);
    expect(world.fake.tokens()).toEqual([]);
    expect(await world.secrets.list()).toEqual([]);
  });
});

// The in-memory double: its `onCreate` mode stands in for any backend that hands values over at creation.
describe('TokenRegistry.create (other backends)', () => {
  it('uses the value a backend returns at creation, without a read', async () => {
    const { registry, backend, secrets } = memoryWorld({ values: 'onCreate' });
    await registry.create({ environment: 'dev', app: 'web' });
    expect(backend.calls.map((c) => c.method)).toEqual(['create']);
    expect((await secrets.get('edenai/dev-web'))?.value.reveal()).toBe(backend.value('dev-web'));
  });
});
