import type { Plan, Progress } from 'edenai-token-manager';
import {
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  PolicyViolationError,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { APIS, DAY, type FakeWorld, fakeWorld, memoryWorld, NOW } from './world.js';

let world: FakeWorld;
afterEach(() => world?.close());

const at = (days: number) => new Date(NOW.getTime() + days * DAY);

describe.each(APIS)('apply (fake Eden AI, %s)', (api) => {
  it('creates, updates and deletes; values land in the SecretStore', async () => {
    world = await fakeWorld({
      api,
      seed: [
        { name: 'staging-web', tokenType: 'api_token', balance: 90, activeBalance: true },
        { name: 'staging-old', tokenType: 'api_token' },
      ],
    });
    await world.secrets.set('edenai/staging-old', 'stale', {
      metadata: { tokenName: 'staging-old', generation: 1 },
    });
    const plan = await world.registry.plan(
      { staging: { web: { budget: 60 }, api: { budget: 25, expiresInDays: 7 } } },
      { prune: true },
    );
    const progress: Progress[] = [];
    const result = await world.registry.apply(plan, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ succeeded: 3, failed: 0 });
    expect(result.results.map((r) => [r.action.type, r.action.name, r.ok])).toEqual([
      ['create', 'staging-api', true],
      ['update', 'staging-web', true],
      ['delete', 'staging-old', true],
    ]);
    expect(result.results[0]?.token).toMatchObject({ name: 'staging-api', balance: 25, expireTime: at(7) });
    expect(result.results[1]?.token).toMatchObject({ name: 'staging-web', balance: 60 });
    expect(
      world.fake
        .tokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['staging-api', 'staging-web']);
    expect((await world.secrets.get('edenai/staging-api'))?.value.reveal()).toBe(
      world.fake.tokenValue('staging-api'),
    );
    expect(await world.secrets.get('edenai/staging-old')).toBeUndefined();
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
    expect(progress.every((p) => p.total === 3 && p.ok === true)).toBe(true);
    expect(progress.map((p) => p.name).sort()).toEqual(['staging-api', 'staging-old', 'staging-web']);
  });

  it('one failing action does not stop the others; its error is in the result', async () => {
    world = await fakeWorld({
      api,
      seed: [
        { name: 'prod-api', tokenType: 'api_token', balance: 900, activeBalance: true, expireTime: at(10) },
        { name: 'prod-web', tokenType: 'api_token', balance: 900, activeBalance: true, expireTime: at(10) },
      ],
    });
    const plan = await world.registry.plan({
      prod: { api: { budget: 100 }, web: { budget: 100 }, one: {}, two: {}, three: {} },
    });
    world.fake.inject({
      kind: 'status',
      status: 403,
      match: { method: 'PATCH', path: world.tokenPath('prod-api') },
    });
    const progress: Progress[] = [];
    const result = await world.registry.apply(plan, { concurrency: 2, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ succeeded: 4, failed: 1 });
    const failed = result.results.find((r) => !r.ok)!;
    expect(failed.action.name).toBe('prod-api');
    expect(failed.error).toBeInstanceOf(PermissionDeniedError);
    expect(world.fake.tokens().find((t) => t.name === 'prod-api')?.balance).toBe(900);
    expect(world.fake.tokens().find((t) => t.name === 'prod-web')?.balance).toBe(100);
    expect(world.fake.tokens()).toHaveLength(5);
    expect(progress).toHaveLength(5);
    expect(progress.filter((p) => p.ok === false).map((p) => p.name)).toEqual(['prod-api']);
  });

  it('an action whose token vanished since the plan fails with NotFoundError', async () => {
    world = await fakeWorld({ api, seed: [{ name: 'dev-web', tokenType: 'sandbox_api_token' }] });
    const plan = await world.registry.plan({ dev: { web: { budget: 5 } } });
    await world.elsewhere.delete('dev-web'); // behind the registry's back: its v3 id cache is stale
    const result = await world.registry.apply(plan);
    expect(result.failed).toBe(1);
    expect(result.results[0]?.error).toBeInstanceOf(NotFoundError);
  });

  it('a plan read back from JSON applies the same', async () => {
    world = await fakeWorld({
      api,
      seed: [{ name: 'prod-web', tokenType: 'api_token', balance: 500, activeBalance: true }],
    });
    const plan = await world.registry.plan({ prod: { web: {} } }); // expireTime: null → now + 90 days
    const result = await world.registry.apply(JSON.parse(JSON.stringify(plan)) as Plan);
    expect(result.failed).toBe(0);
    expect(world.fake.tokens()[0]?.expireTime).toEqual(at(90));
  });

  it('checks every action first: a plan that breaks a policy writes nothing', async () => {
    world = await fakeWorld({ api, seed: [{ name: 'prod-web', tokenType: 'api_token' }] });
    const plan: Plan = {
      actions: [
        { type: 'create', name: 'prod-new', environment: 'prod', app: 'new' },
        {
          type: 'update',
          name: 'prod-web',
          environment: 'prod',
          app: 'web',
          changes: [{ field: 'balance', from: 1, to: 5000 }],
        },
      ],
    };
    await expect(world.registry.apply(plan)).rejects.toThrow(
      "Balance $5000 exceeds prod's maximum of $2000 (rule budget.max)",
    );
    const lifted: Plan = {
      actions: [
        {
          type: 'update',
          name: 'prod-web',
          environment: 'prod',
          app: 'web',
          changes: [{ field: 'activeBalance', from: true, to: false }],
        },
      ],
    };
    await expect(world.registry.apply(lifted)).rejects.toThrow(PolicyViolationError);
    const mismatched: Plan = {
      actions: [{ type: 'delete', name: 'prod-web', environment: 'prod', app: 'api' }],
    };
    await expect(world.registry.apply(mismatched)).rejects.toThrow(InvalidInputError);
    await expect(world.registry.apply({ actions: [{ type: 'replace' }] } as never)).rejects.toThrow(
      InvalidInputError,
    );
    await expect(world.registry.apply(plan, { concurrency: 0 })).rejects.toThrow('Invalid concurrency');
    expect(world.fake.requests).toEqual([]);
  });

  it('an empty plan makes no request; a throwing onProgress does not fail actions', async () => {
    world = await fakeWorld({ api });
    expect(await world.registry.apply({ actions: [] })).toEqual({ results: [], succeeded: 0, failed: 0 });
    expect(world.fake.requests).toEqual([]);
    const plan = await world.registry.plan({ dev: { a: {}, b: {} } });
    const result = await world.registry.apply(plan, {
      onProgress: () => {
        throw new Error('ui broke');
      },
    });
    expect(result).toMatchObject({ succeeded: 2, failed: 0 });
  });
});

// The in-memory double: only it can count the calls in flight.
describe('apply concurrency bound', () => {
  it.each([
    [1, 1],
    [3, 3],
    [undefined, 4],
  ])('concurrency %s keeps at most %i backend calls in flight', async (concurrency, bound) => {
    const { registry, backend } = memoryWorld({ yieldEachCall: true });
    const apps = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`app${i}`, {}]));
    const plan = await registry.plan({ dev: apps });
    backend.maxInFlight = 0;
    const result = await registry.apply(plan, concurrency === undefined ? {} : { concurrency });
    expect(result.succeeded).toBe(12);
    expect(backend.maxInFlight).toBe(bound);
  });
});
