import { InvalidInputError } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { formatTokenName } from '../../src/registry/naming.js';
import { memoryWorld } from './world.js';

describe('TokenRegistry naming', () => {
  const { registry } = memoryWorld();

  it.each([
    ['prod', 'web-app', 1, 'prod-web-app'],
    ['prod', 'web-app', 3, 'prod-web-app--g3'],
    ['prod-eu', 'web-app', 1, 'prod-eu-web-app'],
    ['prod-eu', 'api', 12, 'prod-eu-api--g12'],
    ['staging', 'mobile_app-v2', 1, 'staging-mobile_app-v2'],
    ['dev', 'a', 2, 'dev-a--g2'],
  ])('%s + %s (generation %i) round-trips through %s', (environment, app, generation, name) => {
    expect(formatTokenName(environment, app, generation)).toBe(name);
    expect(registry.parseName(name)).toEqual({
      environment,
      app,
      generation,
      logicalName: formatTokenName(environment, app),
    });
  });

  it('prefers the longest environment when prefixes overlap (prod vs prod-eu)', () => {
    expect(registry.parseName('prod-eu-web')?.environment).toBe('prod-eu');
    // `prod-eu` alone is app "eu" of prod: prod-eu needs an app after it.
    expect(registry.parseName('prod-eu')).toMatchObject({ environment: 'prod', app: 'eu' });
  });

  it.each([
    'production-web', // no declared environment `production`
    'staging', // environment without app
    'prod-web--app', // double dash that is not a generation
    'prod-web-app--g0', // generation 0 does not exist
    'prod-web-app--gx',
    'other',
    '',
  ])('%j is unmanaged', (name) => {
    expect(registry.parseName(name)).toBeUndefined();
  });

  it('maps names to SecretStore refs with the prefix', () => {
    expect(registry.secretRefFor('prod-web-app')).toBe('edenai/prod-web-app');
  });

  it('refuses an app whose name would read as another environment, before any request', async () => {
    const { registry, backend } = memoryWorld();
    const err = await registry.create({ environment: 'prod', app: 'eu-web' }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toContain('"prod-eu-web", which reads as environment prod-eu');
    await expect(registry.plan({ prod: { 'eu-web': {} } })).rejects.toThrow(InvalidInputError);
    expect(backend.calls).toEqual([]);
  });

  it.each([['web app'], ['web--app'], ['-web'], [''], ['wéb']])(
    'refuses the malformed app name %j before any request',
    async (app) => {
      const { registry, backend } = memoryWorld();
      await expect(registry.create({ environment: 'dev', app })).rejects.toThrow(InvalidInputError);
      expect(backend.calls).toEqual([]);
    },
  );
});
