// Two rotations of one token never both happen: in-process joins, cross-process locks, takeovers.

import { RotationError, RotationInProgressError } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorld,
  DAY,
  type Flavour,
  KillSwitch,
  NO_GRACE,
  V3,
  WITH_GRACE,
  type World,
} from './harness.js';
import { expectCleanEnd, LEASE_MS, settle } from './invariants.js';

const B = 48765;
let world: World;
afterEach(async () => {
  await world?.fake.close();
});

async function prodToken(flavour: Flavour) {
  world = await createWorld({ flavour });
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  return world.watch('prod-web-app', B);
}

describe.each(NO_GRACE)('one token, two callers, on $label', (flavour) => {
  it('a second rotate() in the same manager joins the running one', async () => {
    const violations = await prodToken(flavour);
    const manager = world.manager({ gracePeriodMs: 0 });
    const [a, b] = await Promise.all([manager.rotate('prod-web-app'), manager.rotate('prod-web-app--g1')]);
    expect(b).toBe(a);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe(world.rotatedName('prod-web-app', 0));
    // setup + one rotation (a create, or a native rotate)
    expect(world.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(violations).toEqual([]);
  });

  it('many managers racing on many tokens: each token rotates exactly once', async () => {
    world = await createWorld({ flavour });
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
    expect(world.fake.tokens().map((t) => t.name)).toEqual(
      ['staging-a', 'staging-b', 'staging-c'].map((n) => world.rotatedName(n, 0)),
    );
    // Each rotated once: one create or native rotate per token (after the 3 setup creates).
    expect(world.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(3 + 3);
  });
});

describe.each(WITH_GRACE)('two processes with a grace period on $label', (flavour) => {
  it('two managers (two processes) racing: exactly one rotation, the other gets RotationInProgressError', async () => {
    const violations = await prodToken(flavour);
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
});

describe('two processes racing on a native rotation (v3)', () => {
  it('exactly one rotates; the other gets RotationInProgressError', async () => {
    const violations = await prodToken(V3);
    const one = world.manager({ gracePeriodMs: 0 });
    const two = world.manager({ gracePeriodMs: 0 });
    const settled = await Promise.allSettled([one.rotate('prod-web-app'), two.rotate('prod-web-app')]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(refused.map((r) => r.reason)).toEqual([expect.any(RotationInProgressError)]);
    expect(world.fake.requests.filter((r) => r.path.endsWith('/rotate/'))).toHaveLength(1);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app');
    expect(violations).toEqual([]);
  });
});

describe.each(NO_GRACE)('a paused rotation on $label', (flavour) => {
  it('rotate() continues it (same rotation id), never starts a second one', async () => {
    const violations = await prodToken(flavour);
    const step = world.native(0) ? 'rotate' : 'create';
    const manager = world.manager({ gracePeriodMs: 0 });
    world.fake.inject({ kind: 'status', status: 500, times: 3, match: { method: 'POST' } });
    const error = (await manager.rotate('prod-web-app').catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step, resumable: true });
    const paused = await manager.status('prod-web-app');
    expect(paused).toMatchObject({ status: 'failed', error: { step, resumable: true } });
    const result = await manager.rotate('prod-web-app');
    expect(result).toMatchObject({ rotationId: paused!.rotationId, status: 'completed' });
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe(world.rotatedName('prod-web-app', 0));
    expect(violations).toEqual([]);
  });
});

describe.each(NO_GRACE)('lock leases on $label', (flavour) => {
  it('a dead holder’s lock is taken over once its lease has passed on the clock', async () => {
    const violations = await prodToken(flavour);
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
    const violations = await prodToken(flavour);
    // Dies after journaling the first step as started (lock, journal, lock renewal, step started):
    // the drain, or the native rotate.
    const dying = world.manager({ gracePeriodMs: 0 }, new KillSwitch(4));
    await expect(dying.rotate('prod-web-app')).rejects.toBeInstanceOf(RotationError);
    const manager = world.manager({ gracePeriodMs: 0 });
    expect((await manager.status('prod-web-app'))?.lock).toMatchObject({ expired: false });
    expect(await manager.failures()).toEqual([]); // still locked: maybe alive
    const early = await manager.resume();
    expect(early.skipped).toEqual([{ name: 'prod-web-app', reason: expect.stringMatching(/locked/) }]);
    world.advance(LEASE_MS);
    expect(await manager.failures()).toEqual([
      expect.objectContaining({
        step: world.native(0) ? 'rotate' : 'drain',
        message: expect.stringMatching(/interrupted/),
      }),
    ]);
    const { resumed } = await manager.resume();
    expect(resumed).toEqual([expect.objectContaining({ status: 'completed' })]);
    await settle(world, manager, 0);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe(world.rotatedName('prod-web-app', 0));
    expect(violations).toEqual([]);
  });

  it('a holder whose lease passed and was taken over stops at its next step, touching nothing', async () => {
    const violations = await prodToken(flavour);
    const slow = world.manager({ gracePeriodMs: 0, lockLeaseMs: 60_000 });
    const fast = world.manager({ gracePeriodMs: 0, lockLeaseMs: 60_000 });
    let taken: Awaited<ReturnType<typeof fast.resume>> | undefined;
    let stalled = false;
    world.afterRequest.push(async () => {
      // The slow process stalls in its create (or native rotate) request; meanwhile its lease
      // passes and the other process resumes (and completes) the rotation. Native: the slow one's
      // value is dead by then; its write finds the entry changed and stops.
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
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe(world.rotatedName('prod-web-app', 0));
    expect(violations).toEqual([]);
  });
});
