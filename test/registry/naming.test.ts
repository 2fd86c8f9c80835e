import {
  ConfigurationError,
  InvalidInputError,
  MemorySecretStore,
  TokenRegistry,
} from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/cli/config.js';
import { formatTokenName } from '../../src/registry/naming.js';
import { MemoryBackend } from '../helpers/memory-backend.js';
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

describe('every name the SDK will build for a token is checked when it is created', () => {
  // `prod-` + app + `--g999999` (the longest generation suffix) must fit Eden's 200 characters.
  const longest = 'a'.repeat(200 - 'prod-'.length - '--g999999'.length);

  it('refuses an app whose later generations would not fit 200 characters, before any request', async () => {
    const { registry, backend } = memoryWorld();
    const err = await registry.create({ environment: 'prod', app: `${longest}b` }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/is 192 characters: rotation appends up to 9 \("--g999999"\).*at most 191/);
    await expect(registry.plan({ prod: { [`${longest}b`]: {} } })).rejects.toThrow(InvalidInputError);
    expect(backend.calls).toEqual([]);
  });

  it('accepts the longest name that every generation fits', async () => {
    const { registry } = memoryWorld();
    const token = await registry.create({ environment: 'prod', app: longest });
    expect(token.name).toHaveLength(191);
    expect(formatTokenName('prod', longest, 999_999)).toHaveLength(200);
  });

  it('refuses a generation beyond the six digits a name can carry back', () => {
    expect(() => formatTokenName('prod', 'web', 1_000_000)).toThrow(InvalidInputError);
  });
});

describe('environment and app names that a plain object cannot hold', () => {
  const make = (environments: unknown) => () =>
    new TokenRegistry({
      backend: new MemoryBackend(),
      secrets: new MemorySecretStore(),
      environments: environments as Record<string, object>,
    });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])(
    'refuses an environment named %j in TokenRegistry options (as a JSON config gives it)',
    (name) => {
      const environments = JSON.parse(`{"prod": {}, ${JSON.stringify(name)}: {"tokenType": "api_token"}}`);
      expect(make(environments)).toThrow(ConfigurationError);
      expect(make(environments)).toThrow(`"${name}" cannot name an environment`);
    },
  );

  it('refuses environments whose __proto__ entry became their prototype (an object literal)', () => {
    expect(make({ prod: {}, __proto__: { tokenType: 'api_token' } })).toThrow(
      /`environments` must be a plain object/,
    );
  });

  it('refuses an app named __proto__ in a desired state, and desired states that lost one', async () => {
    const { registry, backend } = memoryWorld();
    await expect(registry.plan(JSON.parse('{"prod": {"__proto__": {"budget": 5}}}'))).rejects.toThrow(
      /"__proto__" cannot name an app/,
    );
    await expect(registry.create({ environment: 'prod', app: '__proto__' })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(registry.plan({ prod: { __proto__: { budget: 5 }, web: {} } })).rejects.toThrow(
      /desired apps of "prod" must be a plain object/,
    );
    await expect(registry.plan({ __proto__: { prod: {} } })).rejects.toThrow(
      /the desired state must be a plain object/,
    );
    expect(backend.calls).toEqual([]);
    // An app named like an Object member is fine: only environments key plain objects of ours.
    await expect(registry.plan({ prod: { prototype: {} } })).resolves.toMatchObject({
      actions: [expect.objectContaining({ type: 'create', name: 'prod-prototype' })],
    });
  });

  it.each([
    [
      'environments',
      '{"environments": {"prod": {}, "__proto__": {"tokenType": "api_token"}}}',
      /environments\.__proto__|"__proto__" cannot name an environment/,
    ],
    ['desired environments', '{"desired": {"constructor": {}}}', /"constructor" cannot name an environment/],
    ['desired apps', '{"desired": {"prod": {"web": {}, "__proto__": {}}}}', /"__proto__" cannot name an app/],
  ])('the CLI config refuses a reserved name in %s, with where it is', (_where, text, message) => {
    const parse = () => resolveConfig(JSON.parse(text), '/tmp/config.json', '/tmp', text);
    expect(parse).toThrow(ConfigurationError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/config\.json:1:\d+/);
  });
});
