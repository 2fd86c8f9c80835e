import { describe, expect, it, vi } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/core/errors.js';
import { memoryWorld } from './world.js';

const SEED = [
  { name: 'prod-web-app', balance: 400, activeBalance: true },
  { name: 'prod-web-app--g2', balance: 90, activeBalance: true },
  { name: 'prod-api', balance: 10, activeBalance: true },
  { name: 'prod-eu-web-app', balance: 5, activeBalance: true },
  { name: 'dev-testing', tokenType: 'sandbox_api_token' as const },
  { name: 'legacy-token' },
  { name: 'prod-web--odd' },
];

function listCalls(calls: { method: string }[]) {
  return calls.filter((c) => c.method === 'list').length;
}

describe('TokenRegistry reads', () => {
  it('byEnvironment keys every declared environment and reports unmanaged tokens', async () => {
    const { registry, backend } = memoryWorld({ seed: SEED });
    const by = await registry.byEnvironment();
    expect(Object.keys(by).sort()).toEqual(['dev', 'prod', 'prod-eu', 'staging', 'unmanaged']);
    expect(by.staging).toEqual([]);
    expect(by['prod']!.map((t) => t.name)).toEqual(['prod-api', 'prod-web-app']);
    expect(by['prod-eu']!.map((t) => [t.name, t.app])).toEqual([['prod-eu-web-app', 'web-app']]);
    expect(by['dev']!.map((t) => t.tokenType)).toEqual(['sandbox_api_token']);
    expect(by.unmanaged.map((t) => t.name).sort()).toEqual(['legacy-token', 'prod-web--odd']);
    expect(listCalls(backend.calls)).toBe(1);
    expect(backend.calls).toHaveLength(1);
  });

  it('never passes token values through, not even for unmanaged tokens', async () => {
    const { registry, backend } = memoryWorld({ seed: SEED });
    const by = await registry.byEnvironment();
    expect(by.unmanaged.every((t) => t.secret === undefined)).toBe(true);
    const json = JSON.stringify(by);
    for (const name of backend.names()) expect(json).not.toContain(backend.value(name));
  });

  it('the current generation follows the SecretStore entry; fallback is the highest live one', async () => {
    const { registry, secrets } = memoryWorld({ seed: SEED });
    let t = await registry.get('prod-web-app');
    expect(t).toMatchObject({ tokenName: 'prod-web-app--g2', generation: 2, balance: 90 });
    expect(t.generations).toEqual(['prod-web-app', 'prod-web-app--g2']);

    await secrets.set('edenai/prod-web-app', 'v1', {
      metadata: { tokenName: 'prod-web-app', generation: 1 },
    });
    t = await registry.get('prod-web-app--g2');
    expect(t).toMatchObject({ name: 'prod-web-app', tokenName: 'prod-web-app', generation: 1, balance: 400 });

    // An entry naming a generation that is gone: fall back to the highest live one.
    await secrets.set('edenai/prod-web-app', 'v3', {
      metadata: { tokenName: 'prod-web-app--g3', generation: 3 },
    });
    expect((await registry.get('prod-web-app')).tokenName).toBe('prod-web-app--g2');
  });

  it('reads the SecretStore only for tokens with several live generations', async () => {
    const { registry, secrets } = memoryWorld({ seed: SEED });
    const spy = vi.spyOn(secrets, 'get');
    await registry.snapshot();
    expect(spy.mock.calls).toEqual([['edenai/prod-web-app']]);
    spy.mockClear();
    await registry.get('prod-api');
    expect(spy).not.toHaveBeenCalled();
  });

  it('list filters by environment, sorted, one list call each', async () => {
    const { registry, backend } = memoryWorld({ seed: SEED });
    expect((await registry.list()).map((t) => t.name)).toEqual([
      'dev-testing',
      'prod-api',
      'prod-eu-web-app',
      'prod-web-app',
    ]);
    expect((await registry.list({ environment: 'prod-eu' })).map((t) => t.name)).toEqual(['prod-eu-web-app']);
    expect(listCalls(backend.calls)).toBe(2);
    await expect(registry.list({ environment: 'qa' })).rejects.toThrow(
      'Unknown environment "qa": declared environments are dev, staging, prod, prod-eu',
    );
  });

  it('get: NotFoundError for a missing managed name, InvalidInputError for a name no environment matches', async () => {
    const { registry } = memoryWorld({ seed: SEED });
    const missing = await registry.get('prod-nope').catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('Token "prod-nope" not found');
    await expect(registry.get('legacy-token')).rejects.toThrow(InvalidInputError);
    await expect(registry.get('' as string)).rejects.toThrow(InvalidInputError);
  });

  it('snapshot is one list call and returns managed tokens with a secretRef and no value', async () => {
    const { registry, backend } = memoryWorld({ seed: SEED });
    const { managed, unmanaged } = await registry.snapshot();
    expect(managed.map((t) => t.secretRef)).toEqual([
      'edenai/dev-testing',
      'edenai/prod-api',
      'edenai/prod-eu-web-app',
      'edenai/prod-web-app',
    ]);
    expect(unmanaged).toHaveLength(2);
    expect(managed.every((t) => !('secret' in t))).toBe(true);
    expect(listCalls(backend.calls)).toBe(1);
  });
});
