// Every TokenRegistry method that talks to Eden takes a last `options` argument (`signal`,
// `timeoutMs`, `maxRetries`) and hands it to each backend call it makes.
import type { CreateTokenInput, RequestOptions, TokenBackend, UpdateTokenInput } from 'edenai-token-manager';
import { MemorySecretStore, TokenRegistry } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../helpers/memory-backend.js';
import { APIS, ENVIRONMENTS, type FakeWorld, fakeWorld, manualClock } from './world.js';

/** A MemoryBackend that records the request options of every call. */
function recordingWorld() {
  const inner = new MemoryBackend({ values: 'onCreate' });
  inner.seed(
    { name: 'prod-web', balance: 100, activeBalance: true, expireTime: new Date('2026-03-01T00:00:00Z') },
    { name: 'prod-old', balance: 10, activeBalance: true, expireTime: new Date('2026-03-01T00:00:00Z') },
  );
  const seen: { method: string; options: RequestOptions | undefined }[] = [];
  const backend: TokenBackend = {
    create: (input: CreateTokenInput, options?: RequestOptions) => {
      seen.push({ method: 'create', options });
      return inner.create(input);
    },
    list: (options?: RequestOptions) => {
      seen.push({ method: 'list', options });
      return inner.list();
    },
    get: (name: string, options?: RequestOptions) => {
      seen.push({ method: 'get', options });
      return inner.get(name);
    },
    update: (name: string, patch: UpdateTokenInput, options?: RequestOptions) => {
      seen.push({ method: 'update', options });
      return inner.update(name, patch);
    },
    delete: (name: string, options?: RequestOptions) => {
      seen.push({ method: 'delete', options });
      return inner.delete(name);
    },
  };
  const registry = new TokenRegistry({
    backend,
    secrets: new MemorySecretStore(),
    environments: ENVIRONMENTS,
    clock: manualClock(),
  });
  return { registry, seen };
}

describe('request options reach the backend', () => {
  const signal = new AbortController().signal;
  const options = { signal, timeoutMs: 5_000, maxRetries: 1 };

  it.each([
    ['get', (r: TokenRegistry) => r.get('prod-web', options)],
    ['list', (r: TokenRegistry) => r.list({ environment: 'prod', ...options })],
    ['byEnvironment', (r: TokenRegistry) => r.byEnvironment(options)],
    ['setBudget', (r: TokenRegistry) => r.setBudget('prod-web', 200, options)],
    ['topUp', (r: TokenRegistry) => r.topUp('prod-web', 5, options)],
    ['extend', (r: TokenRegistry) => r.extend('prod-web', 10, options)],
    ['revoke', (r: TokenRegistry) => r.revoke('prod-old', options)],
    ['create', (r: TokenRegistry) => r.create({ environment: 'prod', app: 'api' }, options)],
    ['plan', (r: TokenRegistry) => r.plan({ prod: { web: { budget: 300 } } }, { prune: true, ...options })],
  ] as const)('%s', async (_method, call) => {
    const { registry, seen } = recordingWorld();
    await call(registry);
    expect(seen.length).toBeGreaterThan(0);
    // The method's own options (environment, prune…) stay with the registry.
    for (const s of seen) expect(s.options).toEqual(options);
  });

  it('apply: every list, create, update and delete of the plan', async () => {
    const { registry, seen } = recordingWorld();
    const plan = await registry.plan({ prod: { web: { budget: 300 }, api: {} } }, { prune: true });
    seen.length = 0;
    const result = await registry.apply(plan, { concurrency: 1, ...options });
    expect(result.failed).toBe(0);
    expect(new Set(seen.map((s) => s.method))).toEqual(new Set(['list', 'create', 'update', 'delete']));
    for (const s of seen) expect(s.options).toEqual(options);
  });

  it('without options, the backend gets none', async () => {
    const { registry, seen } = recordingWorld();
    await registry.get('prod-web');
    await registry.setBudget('prod-web', 200);
    expect(seen.map((s) => s.options)).toEqual([undefined, undefined, undefined]);
  });
});

describe.each(APIS)('an aborted signal (fake Eden AI, %s)', (api) => {
  let world: FakeWorld;
  afterEach(() => world?.close());

  it('stops a write before anything is sent', async () => {
    world = await fakeWorld({
      api,
      seed: [{ name: 'prod-web', tokenType: 'api_token', balance: 100, activeBalance: true }],
    });
    const signal = AbortSignal.abort();
    await expect(world.registry.setBudget('prod-web', 200, { signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expect(world.registry.revoke('prod-web', { signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(world.writes()).toEqual([]);
    expect(world.fake.tokens().map((t) => t.balance)).toEqual([100]);
  });
});
