// Two rotations of one token never both happen: in-process joins, cross-process locks, takeovers.
import { afterEach, describe, expect, it } from 'vitest';
import { RotationError, RotationInProgressError } from '../../src/core/errors.js';
import { createWorld, DAY, KillSwitch, type World } from './harness.js';
import { expectCleanEnd, LEASE_MS, settle } from './invariants.js';

const B = 48765;
let world: World;
afterEach(async () => {
  await world?.fake.close();
});

async function prodToken() {
  world = await createWorld();
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  return world.watch('prod-web-app', B);
}

describe('one token, two callers', () => {
  it('a second rotate() in the same manager joins the running one', async () => {
    const violations = await prodToken();
    const manager = world.manager({ gracePeriodMs: 0 });
    const [a, b] = await Promise.all([manager.rotate('prod-web-app'), manager.rotate('prod-web-app--g1')]);
    expect(b).toBe(a);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
    expect(world.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(2); // setup + one rotation
    expect(violations).toEqual([]);
  });

  it('two managers (two processes) racing: exactly one rotation, the other gets RotationInProgressError', async () => {
    const violations = await prodToken();
    const one = world.manager({ gracePeriodMs: DAY });
    const two = world.manager({ gracePeriodMs: DAY });
    const settled = await Promise.allSettled([one.rotate('prod-web-app'), two.rotate('prod-web-app')]);
    const ok = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(RotationInProgressError);
    // During the grace period, the rotation is still in progress: no second one either.
    await expect(two.rotate('prod-web-app')).rejects.toBeInstanceOf(RotationInProgressError);
    await expect(one.rotate('prod-web-app')).rejects.toBeInstanceOf(RotationInProgressError);
    world.advance(DAY);
    const finalized = await Promise.all([one.finalize(), two.finalize()]);
    expect(finalized.flatMap((f) => f.finalized)).toHaveLength(1);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
    expect(violations).toEqual([]);
  });

  it('many managers racing on many tokens: each token rotates exactly once', async () => {
    world = await createWorld();
    for (const app of ['a', 'b', 'c'])
      await world.registry.create({ environment: 'staging', app, expiresInDays: 2 });
    const managers = [1, 2, 3].map(() => world.manager({ gracePeriodMs: 0 }));
    const runs = await Promise.all(managers.map((m) => m.rotateExpiring({ withinDays: 7, concurrency: 2 })));
    expect(runs.flatMap((r) => r.rotated.map((x) => x.name)).sort()).toEqual([
      'staging-a',
      'staging-b',
      'staging-c',
    ]);
    expect(runs.flatMap((r) => r.failed)).toEqual([]);
    expect(world.fake.tokens().map((t) => t.name)).toEqual([
      'staging-a--g2',
      'staging-b--g2',
      'staging-c--g2',
    ]);
  });
});

describe('a paused rotation', () => {
  it('rotate() continues it (same rotation id), never starts a second one', async () => {
    const violations = await prodToken();
    const manager = world.manager({ gracePeriodMs: 0 });
    world.fake.inject({ kind: 'status', status: 500, times: 3, match: { method: 'POST' } });
    const error = (await manager.rotate('prod-web-app').catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'create', resumable: true });
    const paused = await manager.status('prod-web-app');
    expect(paused).toMatchObject({ status: 'failed', error: { step: 'create', resumable: true } });
    const result = await manager.rotate('prod-web-app');
    expect(result).toMatchObject({ rotationId: paused!.rotationId, status: 'completed' });
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
    expect(violations).toEqual([]);
  });
});

describe('lock leases', () => {
  it('a dead holder’s lock is taken over once its lease has passed on the clock', async () => {
    const violations = await prodToken();
    // The first process dies right after taking the lock.
    const dead = world.manager({ gracePeriodMs: 0 }, new KillSwitch(1));
    await expect(dead.rotate('prod-web-app')).rejects.toThrow('crashed');
    const manager = world.manager({ gracePeriodMs: 0 });
    await expect(manager.rotate('prod-web-app')).rejects.toBeInstanceOf(RotationInProgressError);
    const status = await manager.status('prod-web-app');
    expect(status).toBeUndefined();
    world.advance(LEASE_MS - 1);
    await expect(manager.rotate('prod-web-app')).rejects.toBeInstanceOf(RotationInProgressError);
    world.advance(1);
    await expect(manager.rotate('prod-web-app')).resolves.toMatchObject({ status: 'completed' });
    expect(violations).toEqual([]);
  });

  it('resume() skips a rotation whose live holder still has its lease, then takes it over', async () => {
    const violations = await prodToken();
    // Dies after journaling the drain as started (lock, journal, lock renewal, drain started).
    const dying = world.manager({ gracePeriodMs: 0 }, new KillSwitch(4));
    await expect(dying.rotate('prod-web-app')).rejects.toBeInstanceOf(RotationError);
    const manager = world.manager({ gracePeriodMs: 0 });
    expect((await manager.status('prod-web-app'))?.lock).toMatchObject({ expired: false });
    expect(await manager.failures()).toEqual([]); // still locked: maybe alive
    const early = await manager.resume();
    expect(early.skipped).toEqual([{ name: 'prod-web-app', reason: expect.stringMatching(/locked/) }]);
    world.advance(LEASE_MS);
    expect(await manager.failures()).toEqual([
      expect.objectContaining({ step: 'drain', message: expect.stringMatching(/interrupted/) }),
    ]);
    const { resumed } = await manager.resume();
    expect(resumed).toEqual([expect.objectContaining({ status: 'completed' })]);
    await settle(world, manager, 0);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
    expect(violations).toEqual([]);
  });

  it('a holder whose lease passed and was taken over stops at its next step, touching nothing', async () => {
    const violations = await prodToken();
    const slow = world.manager({ gracePeriodMs: 0, lockLeaseMs: 60_000 });
    const fast = world.manager({ gracePeriodMs: 0, lockLeaseMs: 60_000 });
    let taken: Awaited<ReturnType<typeof fast.resume>> | undefined;
    let stalled = false;
    world.afterRequest.push(async () => {
      // The slow process stalls in its create request; meanwhile its lease passes and the other
      // process resumes (and completes) the rotation.
      const last = world.fake.requests.at(-1);
      if (stalled || last?.method !== 'POST') return;
      stalled = true;
      world.advance(60_001);
      taken = await fast.resume();
    });
    const error = await slow.rotate('prod-web-app').catch((e: unknown) => e);
    expect(taken?.resumed).toEqual([expect.objectContaining({ status: 'completed' })]);
    expect(error).toBeInstanceOf(RotationError);
    expect((error as RotationError).message).toMatch(/another process took over its lock/);
    await settle(world, fast, 0);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
    expect(violations).toEqual([]);
  });
});
