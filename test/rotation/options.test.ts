// Input validation, the expiry rule, and the cron helper. On v2 only: none of it depends on the
// backend (native-rotation options are in native.test.ts).

import {
  ConfigurationError,
  InvalidInputError,
  PolicyViolationError,
  RotationInProgressError,
  RotationManager,
  scheduleRotation,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, DAY, HOUR, START, type World } from './harness.js';

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

describe('bad input changes nothing', () => {
  it('rejects bad names and options before any request or write', async () => {
    world = await createWorld();
    await world.registry.create({ environment: 'prod', app: 'web-app' });
    world.fake.resetRequestLog();
    const manager = world.manager();
    await expect(manager.rotate('qa-web-app')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(manager.rotate('')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(manager.rotate(42 as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(manager.rotate('prod-web-app', { expiresInDays: 0 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(manager.rotate('prod-web-app', { expiresInDays: 1.5 })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(manager.rotate('prod-web-app', { expiresInDays: 181 })).rejects.toBeInstanceOf(
      PolicyViolationError,
    );
    await expect(manager.rotate('prod-web-app', { expires: 3 } as never)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(manager.finalize({ concurrency: 0 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(manager.status('nope')).rejects.toBeInstanceOf(InvalidInputError);
    expect(world.fake.requests).toEqual([]);
    expect(await world.state.list()).toEqual([]);
  });

  it('a missing token is a NotFoundError and leaves no journal or lock', async () => {
    world = await createWorld();
    const manager = world.manager();
    await expect(manager.rotate('prod-ghost')).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(await world.state.list()).toEqual([]);
  });

  it('rejects a bad configuration at construction', async () => {
    world = await createWorld();
    const { registry, state } = world;
    const make = (extra: object) => () => new RotationManager({ registry, state, ...extra });
    expect(make({ lockLeaseMs: HOUR + 1 })).toThrow(ConfigurationError);
    expect(make({ lockLeaseMs: 0 })).toThrow(ConfigurationError);
    expect(make({ gracePeriodMs: -1 })).toThrow(ConfigurationError);
    expect(make({ graceAllowance: -5 })).toThrow(ConfigurationError);
    expect(make({ concurrency: 0 })).toThrow(ConfigurationError);
    expect(make({ verify: 'yes' })).toThrow(ConfigurationError);
    expect(make({ state: {} })).toThrow(ConfigurationError);
    expect(make({ gracePeriod: 5 })).toThrow(/Unknown RotationManager option "gracePeriod"/);
    expect(() => new RotationManager({ registry: {} as never, state })).toThrow(ConfigurationError);
    expect(make({ lockLeaseMs: HOUR })).not.toThrow();
  });

  it('a graceAllowance function that returns garbage fails the rotation before any write', async () => {
    world = await createWorld();
    await world.registry.create({ environment: 'staging', app: 'x' });
    world.fake.resetRequestLog();
    const manager = world.manager({ graceAllowance: () => Number.NaN });
    await expect(manager.rotate('staging-x')).rejects.toBeInstanceOf(ConfigurationError);
    expect(world.fake.requests.map((r) => r.method)).toEqual(['GET']);
    expect(await world.state.list()).toEqual([]);
  });
});

describe('the expiry of a new generation', () => {
  const at = (days: number) => new Date(START.getTime() + days * DAY);
  const expiryOf = (name: string) => world.fake.tokens().find((t) => t.name === name)?.expireTime;

  it('expiresInDays, else the policy default, capped by maxDays', async () => {
    world = await createWorld();
    await world.registry.create({ environment: 'prod', app: 'a' });
    await world.registry.create({ environment: 'prod', app: 'b' });
    const manager = world.manager({ gracePeriodMs: 0 });
    await manager.rotate('prod-a', { expiresInDays: 10 });
    expect(expiryOf('prod-a--g2')).toEqual(at(10));
    await manager.rotate('prod-b');
    expect(expiryOf('prod-b--g2')).toEqual(at(90));
  });

  it('without a policy default: carries the old expiry when far enough away, else none', async () => {
    world = await createWorld();
    await world.registry.create({ environment: 'dev', app: 'far', expiresInDays: 100 });
    await world.registry.create({ environment: 'dev', app: 'near', expiresInDays: 3 });
    await world.registry.create({ environment: 'dev', app: 'never' });
    const manager = world.manager({ gracePeriodMs: 0 });
    for (const name of ['dev-far', 'dev-near', 'dev-never']) await manager.rotate(name);
    expect(expiryOf('dev-far--g2')).toEqual(at(100));
    expect(expiryOf('dev-near--g2')).toBeNull();
    expect(expiryOf('dev-never--g2')).toBeNull();
  });
});

describe('status and failures', () => {
  it('status reports the journal without values; rotate during the grace period is refused', async () => {
    world = await createWorld();
    await world.registry.create({ environment: 'staging', app: 'web' });
    const manager = world.manager({ gracePeriodMs: 2 * HOUR });
    expect(await manager.status('staging-web')).toBeUndefined();
    const result = await manager.rotate('staging-web');
    expect(await manager.status('staging-web')).toEqual({
      name: 'staging-web',
      rotationId: result.rotationId,
      status: 'grace',
      step: 'promote',
      oldTokenName: 'staging-web',
      newTokenName: 'staging-web--g2',
      generation: 2,
      mode: 'generation',
      startedAt: START,
      updatedAt: START,
      graceEndsAt: new Date(START.getTime() + 2 * HOUR),
      allowance: 5,
      newBalance: 45,
    });
    await expect(manager.rotate('staging-web')).rejects.toBeInstanceOf(RotationInProgressError);
    const forced = await manager.finalize({ force: true });
    expect(forced.finalized).toHaveLength(1);
    expect((await manager.status('staging-web'))?.status).toBe('completed');
  });
});

describe('scheduleRotation', () => {
  it('runs resume, finalize and rotateExpiring on trigger, reports, and stops', async () => {
    world = await createWorld();
    await world.registry.create({ environment: 'staging', app: 'web', expiresInDays: 2 });
    const manager = world.manager({ gracePeriodMs: 0 });
    const reports: unknown[] = [];
    const schedule = scheduleRotation(manager, {
      cron: '0 2 * * *',
      timeZone: 'Europe/Paris',
      withinDays: 7,
      onRun: (r) => reports.push(r),
    });
    const next = schedule.nextRun();
    expect(next).toBeInstanceOf(Date);
    expect(next!.getTime()).toBeGreaterThan(Date.now());
    await Promise.all([schedule.trigger(), schedule.trigger()]); // never overlapping
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      resumed: { resumed: [] },
      finalized: { finalized: [] },
      rotation: { rotated: [expect.objectContaining({ newTokenName: 'staging-web--g2' })] },
    });
    schedule.stop();
    expect(schedule.nextRun()).toBeNull();
  });

  it('reports a run that could not start through onError', async () => {
    world = await createWorld();
    const errors: unknown[] = [];
    const schedule = scheduleRotation(world.manager(), {
      cron: '*/5 * * * *',
      withinDays: 7,
      environment: 'qa',
      onError: (e) => errors.push(e),
    });
    await schedule.trigger();
    schedule.stop();
    expect(errors).toEqual([expect.any(InvalidInputError)]);
  });

  it('rejects an invalid cron pattern', async () => {
    world = await createWorld();
    expect(() => scheduleRotation(world.manager(), { cron: 'every day', withinDays: 7 })).toThrow(
      InvalidInputError,
    );
  });
});
