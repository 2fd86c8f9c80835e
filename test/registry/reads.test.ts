import type { CreateTokenInput } from 'edenai-token-manager';
import { InvalidInputError, NotFoundError } from 'edenai-token-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APIS, type FakeWorld, fakeWorld } from './world.js';

const SEED: CreateTokenInput[] = [
  { name: 'prod-web-app', balance: 400, activeBalance: true },
  { name: 'prod-web-app--g2', balance: 90, activeBalance: true },
  { name: 'prod-api', balance: 10, activeBalance: true },
  { name: 'prod-eu-web-app', balance: 5, activeBalance: true },
  { name: 'dev-testing', tokenType: 'sandbox_api_token' },
  { name: 'legacy-token' },
  { name: 'prod-web--odd' },
];

let world: FakeWorld;
afterEach(() => world?.close());

const listCalls = () => world.requests().filter((r) => r === 'GET').length;

describe.each(APIS)('TokenRegistry reads on %s', (api) => {
  const seeded = async () => {
    world = await fakeWorld({ api, seed: SEED });
    return world.registry;
  };

  it('byEnvironment keys every declared environment and reports unmanaged tokens', async () => {
    const registry = await seeded();
    const by = await registry.byEnvironment();
    expect(Object.keys(by).sort()).toEqual(['dev', 'prod', 'prod-eu', 'staging', 'unmanaged']);
    expect(by.staging).toEqual([]);
    expect(by['prod']!.map((t) => t.name)).toEqual(['prod-api', 'prod-web-app']);
    expect(by['prod-eu']!.map((t) => [t.name, t.app])).toEqual([['prod-eu-web-app', 'web-app']]);
    expect(by['dev']!.map((t) => t.tokenType)).toEqual(['sandbox_api_token']);
    expect(by.unmanaged.map((t) => t.name).sort()).toEqual(['legacy-token', 'prod-web--odd']);
    expect(world.requests()).toEqual(['GET']);
  });

  it('never passes token values through, not even for unmanaged tokens', async () => {
    const registry = await seeded();
    const by = await registry.byEnvironment();
    expect(by.unmanaged.every((t) => t.secret === undefined)).toBe(true);
    const json = JSON.stringify(by);
    const values = world.fake.tokens().map((t) => world.fake.tokenValue(t.name)!);
    expect(values).toHaveLength(SEED.length);
    for (const value of values) expect(json).not.toContain(value);
  });

  it('the current generation follows the SecretStore entry; fallback is the highest live one', async () => {
    const registry = await seeded();
    let t = await registry.get('prod-web-app');
    expect(t).toMatchObject({ tokenName: 'prod-web-app--g2', generation: 2, balance: 90 });
    expect(t.generations).toEqual(['prod-web-app', 'prod-web-app--g2']);

    await world.secrets.set('edenai/prod-web-app', 'v1', {
      metadata: { tokenName: 'prod-web-app', generation: 1 },
    });
    t = await registry.get('prod-web-app--g2');
    expect(t).toMatchObject({ name: 'prod-web-app', tokenName: 'prod-web-app', generation: 1, balance: 400 });

    // An entry naming a generation that is gone: fall back to the highest live one.
    await world.secrets.set('edenai/prod-web-app', 'v3', {
      metadata: { tokenName: 'prod-web-app--g3', generation: 3 },
    });
    expect((await registry.get('prod-web-app')).tokenName).toBe('prod-web-app--g2');
  });

  it('a revoked generation is no longer live', async () => {
    const registry = await seeded();
    await world.elsewhere.delete('prod-web-app--g2');
    const t = await registry.get('prod-web-app');
    expect(t).toMatchObject({ tokenName: 'prod-web-app', generation: 1, generations: ['prod-web-app'] });
  });

  it('reads the SecretStore only for several live generations or a budget recorded there', async () => {
    const registry = await seeded();
    const spy = vi.spyOn(world.secrets, 'get');
    await registry.snapshot();
    // Budgeted without a reset period: the allocated budget is in the entry. Unlimited: no read.
    expect(spy.mock.calls.map(([key]) => key).sort()).toEqual([
      'edenai/prod-api',
      'edenai/prod-eu-web-app',
      'edenai/prod-web-app',
    ]);
    spy.mockClear();
    await registry.get('dev-testing');
    expect(spy).not.toHaveBeenCalled();
  });

  it('list filters by environment, sorted, one list call each', async () => {
    const registry = await seeded();
    expect((await registry.list()).map((t) => t.name)).toEqual([
      'dev-testing',
      'prod-api',
      'prod-eu-web-app',
      'prod-web-app',
    ]);
    expect((await registry.list({ environment: 'prod-eu' })).map((t) => t.name)).toEqual(['prod-eu-web-app']);
    expect(listCalls()).toBe(2);
    await expect(registry.list({ environment: 'qa' })).rejects.toThrow(
      'Unknown environment "qa": declared environments are dev, staging, prod, prod-eu',
    );
  });

  it('get: NotFoundError for a missing managed name, InvalidInputError for a name no environment matches', async () => {
    const registry = await seeded();
    const missing = await registry.get('prod-nope').catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('Token "prod-nope" not found');
    await expect(registry.get('legacy-token')).rejects.toThrow(InvalidInputError);
    await expect(registry.get('' as string)).rejects.toThrow(InvalidInputError);
  });

  it('snapshot is one list call and returns managed tokens with a secretRef and no value', async () => {
    const registry = await seeded();
    const { managed, unmanaged } = await registry.snapshot();
    expect(managed.map((t) => t.secretRef)).toEqual([
      'edenai/dev-testing',
      'edenai/prod-api',
      'edenai/prod-eu-web-app',
      'edenai/prod-web-app',
    ]);
    expect(unmanaged).toHaveLength(2);
    expect(managed.every((t) => !('secret' in t))).toBe(true);
    expect(world.requests()).toEqual(['GET']);
  });
});
