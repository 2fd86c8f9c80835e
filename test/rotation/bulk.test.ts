// rotateExpiring: dry run, one list per run, progress, concurrency, skips.

import { InvalidInputError, PolicyViolationError } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorld,
  DAY,
  type Flavour,
  HOUR,
  NO_GRACE,
  START,
  V2,
  V3,
  WITH_GRACE,
  type World,
} from './harness.js';

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

/** 6 staging tokens: 4 expire within 7 days, 2 later; 1 prod token expiring in 3 days. */
async function fleet(flavour: Flavour = V2) {
  world = await createWorld({ flavour });
  for (const [app, days] of [
    ['a', 2],
    ['b', 3],
    ['c', 5],
    ['d', 7],
    ['e', 8],
    ['f', 30],
  ] as const) {
    await world.registry.create({ environment: 'staging', app, expiresInDays: days, budget: 10 });
  }
  await world.registry.create({ environment: 'prod', app: 'api', expiresInDays: 3 });
  world.fake.resetRequestLog();
}

describe.each(WITH_GRACE)('rotateExpiring with a grace period on $label', (flavour) => {
  it('an aborted signal stops the run at its list: nothing is sent, nothing is journaled', async () => {
    await fleet(flavour);
    const manager = world.manager({ gracePeriodMs: DAY });
    const signal = AbortSignal.abort(new Error('shutting down'));
    await expect(manager.rotateExpiring({ withinDays: 7, signal })).rejects.toThrow('shutting down');
    expect(world.fake.requests).toEqual([]);
    expect(await world.state.list()).toEqual([]);
  });

  it('dry run: returns the plan, sends no write and changes no state', async () => {
    await fleet(flavour);
    const stateBefore = await world.state.list();
    const manager = world.manager({ gracePeriodMs: DAY });
    const plan = await manager.rotateExpiring({ withinDays: 7, environment: 'staging', dryRun: true });
    expect(plan.dryRun).toBe(true);
    expect(plan.rotated).toEqual([]);
    expect(plan.planned).toEqual(
      ['a', 'b', 'c', 'd'].map((app) =>
        expect.objectContaining({
          name: `staging-${app}`,
          mode: 'generation',
          oldTokenName: `staging-${app}`,
          newTokenName: `staging-${app}--g2`,
          balance: 10,
          allowance: 1,
          newBalance: 9,
          newExpireTime: new Date(START.getTime() + 30 * DAY),
        }),
      ),
    );
    expect(world.fake.requests.map((r) => r.method)).toEqual(['GET']);
    expect(await world.state.list()).toEqual(stateBefore);
    expect(world.fake.tokens()).toHaveLength(7);
  });

  it('skips tokens in their grace period and never rotates a fresh generation again', async () => {
    await fleet(flavour);
    const manager = world.manager({ gracePeriodMs: DAY });
    // Rotated to a generation that expires soon too: still a candidate, but in its grace period.
    await manager.rotate('staging-a', { expiresInDays: 2 });
    const run = await manager.rotateExpiring({ withinDays: 7, environment: 'staging' });
    expect(run.skipped).toEqual([{ name: 'staging-a', reason: expect.stringMatching(/grace period/) }]);
    expect(run.rotated.map((r) => r.name)).toEqual(['staging-b', 'staging-c', 'staging-d']);
    world.advance(DAY);
    await manager.finalize();
    // The other new generations expire in 30 days: only staging-a (out of its grace period now)
    // and staging-e (8 days away yesterday, 7 today).
    const again = await manager.rotateExpiring({ withinDays: 7, environment: 'staging' });
    expect(again.rotated.map((r) => r.newTokenName)).toEqual(['staging-a--g3', 'staging-e--g2']);
    expect(again.skipped).toEqual([]);
  });
});

describe('a native dry run (v3)', () => {
  it('plans the same keys with new values: nothing split, the expiry per the policy', async () => {
    await fleet(V3);
    const plan = await world.manager({ gracePeriodMs: 0 }).rotateExpiring({ withinDays: 7, dryRun: true });
    expect(plan.planned.map((p) => p.name)).toEqual([
      'prod-api',
      'staging-a',
      'staging-b',
      'staging-c',
      'staging-d',
    ]);
    expect(plan.planned[1]).toEqual({
      name: 'staging-a',
      mode: 'native',
      oldTokenName: 'staging-a',
      newTokenName: 'staging-a',
      expireTime: new Date(START.getTime() + 2 * DAY),
      balance: 10,
      allowance: 0,
      newBalance: 10,
      newExpireTime: new Date(START.getTime() + 30 * DAY),
    });
    expect(world.fake.requests.map((r) => r.method)).toEqual(['GET']);
    expect(await world.state.list()).toEqual([]);
  });
});

describe.each(NO_GRACE)('rotateExpiring without a grace period on $label', (flavour) => {
  it('one list call for the whole run, a fixed number of requests per token, progress per token, one failure does not stop the others', async () => {
    await fleet(flavour);
    const native = world.native(0);
    // A definitive refusal of staging-c's first write: the drain, or the native rotate.
    world.fake.inject({
      kind: 'status',
      status: 403,
      match: native
        ? { method: 'POST', path: world.paths.rotate('staging-c') }
        : { method: 'PATCH', path: world.paths.token('staging-c') },
    });
    const manager = world.manager({ gracePeriodMs: 0 });
    const progress: unknown[] = [];
    const run = await manager.rotateExpiring({ withinDays: 7, onProgress: (p) => progress.push(p) });
    expect(run.rotated.map((r) => r.name)).toEqual(['prod-api', 'staging-a', 'staging-b', 'staging-d']);
    expect(run.failed).toEqual([
      { name: 'staging-c', error: expect.objectContaining({ step: native ? 'rotate' : 'drain' }) },
    ]);
    expect(progress).toHaveLength(5);
    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5 });
    expect(progress).toContainEqual({ done: expect.any(Number), total: 5, name: 'staging-c', ok: false });
    const lists = world.fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith(world.paths.list));
    expect(lists).toHaveLength(1);
    if (native) {
      // 4 rotated × (rotate + the new expiry), + list, + the failed rotate (403, not retried):
      // nothing changed, nothing to check.
      expect(world.fake.requests).toHaveLength(4 * 2 + 1 + 1);
      expect(world.fake.keys().filter((k) => k.revoked)).toEqual([]);
    } else {
      // 4 rotated × 4 (v3: 5, the create's PATCH removing its one-time marker), + list, + the
      // failed one's PATCH (403, not retried) and its rollback's check that the drain never landed (GET).
      const perToken = world.fake.requests[0]!.path.startsWith('/v3/') ? 5 : 4;
      expect(world.fake.requests).toHaveLength(4 * perToken + 1 + 2);
    }
    expect(world.generations('staging-c')).toEqual([expect.objectContaining({ balance: 10 })]);
    expect(
      world.fake
        .tokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(
      [
        world.rotatedName('prod-api', 0),
        world.rotatedName('staging-a', 0),
        world.rotatedName('staging-b', 0),
        'staging-c',
        world.rotatedName('staging-d', 0),
        'staging-e',
        'staging-f',
      ].sort(),
    );
    expect(await manager.failures()).toEqual([expect.objectContaining({ name: 'staging-c' })]);
  });

  it('respects concurrency', async () => {
    await fleet(flavour);
    const manager = world.manager({ gracePeriodMs: 0 });
    let inFlight = 0;
    let peak = 0;
    manager.on('rotation.started', () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
    });
    manager.on('rotation.succeeded', () => {
      inFlight--;
    });
    await manager.rotateExpiring({ withinDays: 7, concurrency: 2 });
    expect(peak).toBe(2);
    inFlight = 0;
    peak = 0;
    for (const app of ['g', 'h', 'i'])
      await world.registry.create({ environment: 'staging', app, expiresInDays: 1 });
    await manager.rotateExpiring({ withinDays: 7, concurrency: 1 });
    expect(peak).toBe(1);
  });
});

// v2 only: v3's name → id cache lists on its own after 60 s (tested with the v3 backend); and
// option validation happens before any backend is involved.
describe('rotateExpiring on v2', () => {
  it('refreshes its list only when a token’s turn comes later than snapshotMaxAgeMs', async () => {
    await fleet();
    const manager = world.manager({ gracePeriodMs: 0 });
    manager.on('rotation.succeeded', () => world.advance(HOUR));
    const run = await manager.rotateExpiring({
      withinDays: 7,
      concurrency: 1,
      snapshotMaxAgeMs: 90 * 60_000,
    });
    expect(run.rotated).toHaveLength(5);
    const lists = world.fake.requests.filter(
      (r) => r.method === 'GET' && r.path === '/v2/user/custom_token/',
    );
    // Turns at 0 h, 1 h (fresh enough), 2 h (refresh), 3 h, 4 h (refresh).
    expect(lists).toHaveLength(3);
  });

  it('validates its options before any request', async () => {
    await fleet();
    const manager = world.manager();
    await expect(manager.rotateExpiring({ withinDays: -1 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(manager.rotateExpiring({ withinDays: 7, environment: 'qa' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(manager.rotateExpiring({ withinDays: 7, concurrency: 0 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(
      manager.rotateExpiring({ withinDays: 7, environment: 'prod', expiresInDays: 365 }),
    ).rejects.toBeInstanceOf(PolicyViolationError);
    await expect(manager.rotateExpiring({ withinDays: 7, bogus: 1 } as never)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(world.fake.requests).toEqual([]);
  });
});
