// Recovery acts only on what it has proven (invariant 7): lookups that are refused (a wrong key, a
// gateway's 403) pause a rotation instead of ending it; a rollback finds and revokes a generation
// whose create answer was lost before the old one gets anything back, and claims only what it saw;
// a DELETE answered 404 is not taken for "gone" while the token is still there; a SecretStore that
// cannot write fails a rotation before its first write at Eden, and never blocks a rollback.

import type { RotationError, Secret, SecretStore } from 'edenai-token-manager';
import { ConfigurationError, EnvSecretStore, PermissionDeniedError } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureLogger,
  createWorld,
  DAY,
  type Flavour,
  V2,
  V3,
  V3_GENERATIONS,
  type World,
} from './harness.js';
import { expectCleanEnd, LEASE_MS, settle } from './invariants.js';

const OLD = 'prod-web-app';
const NEW = 'prod-web-app--g2';
const PENDING = 'edenai/prod-web-app.pending';
/** Generation-based rotations: v2, and v3 with `native: 'never'`. */
const GENERATIONS: readonly Flavour[] = [V2, V3_GENERATIONS];

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

/** A `budget` USD prod token, watched for invariants 2 and 3 after every request. */
async function prodToken(flavour: Flavour, budget: number, maxRetries = 2) {
  world = await createWorld({ flavour, client: { maxRetries } });
  await world.registry.create({ environment: 'prod', app: 'web-app', budget });
  return world.watch(OLD, Math.round(budget * 100));
}

function balances(): [string, number | null][] {
  return world.generations(OLD).map((t) => [t.name, t.balance]);
}

/** The world's SecretStore, with `refuse` deciding (per write) whether the store refuses it. */
function refusingSecrets(
  refuse: (op: 'set' | 'delete', key: string, value?: Secret | string) => Error | undefined,
): SecretStore {
  const inner = world.secrets;
  return {
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    set: async (key: string, value: Secret | string, options) => {
      const error = refuse('set', key, value);
      if (error) throw error;
      return inner.set(key, value, options);
    },
    delete: async (key, options) => {
      const error = refuse('delete', key);
      if (error) throw error;
      return inner.delete(key, options);
    },
  };
}

describe.each(GENERATIONS)(
  'a lost create answer, then a resume that cannot see the new generation, on $label',
  (flavour) => {
    it.each([
      ['a wrong API key (401 to everything)', 401, false],
      ['a gateway refusing the lookup (403)', 403, true],
    ])(
      '%s: stays paused, changes and claims nothing; a later resume converges',
      async (_l, status, lookupOnly) => {
        const violations = await prodToken(flavour, 40, 0);
        world.fake.inject({ kind: 'lostResponse', match: { method: 'POST', path: world.paths.list } });
        const manager = world.manager({ gracePeriodMs: 0 });
        await expect(manager.rotate(OLD)).rejects.toMatchObject({ step: 'create', resumable: true });
        // The create landed: the old generation is drained, the new one holds everything.
        expect(balances()).toEqual([
          [OLD, 0],
          [NEW, 40],
        ]);
        world.fake.inject({
          kind: 'status',
          status,
          times: Number.POSITIVE_INFINITY,
          ...(lookupOnly && { match: { method: 'GET', path: world.paths.token(NEW) } }),
        });
        world.advance(LEASE_MS + 1);
        const refused = await manager.resume();
        expect(refused.resumed).toEqual([]);
        const error = refused.failed[0]?.error as RotationError;
        expect(error).toMatchObject({ step: 'create', resumable: true });
        expect(error.message).toMatch(/cannot tell whether prod-web-app--g2 exists/);
        expect(error.message).not.toMatch(/revoked|rolled back/i);
        expect(await manager.status(OLD)).toMatchObject({ status: 'failed', error: { resumable: true } });
        // Nothing was given back, nothing deleted: both generations as they were.
        expect(balances()).toEqual([
          [OLD, 0],
          [NEW, 40],
        ]);
        world.fake.clearFaults();
        await settle(world, manager, 0);
        expect((await manager.status(OLD))?.status).toBe('completed');
        expect(await expectCleanEnd(world, OLD, 4000)).toBe(NEW);
        expect(violations).toEqual([]);
      },
    );
  },
);

describe('a rollback after a create whose answer the journal never recorded (v3 by generations)', () => {
  // v3 hands the value over in the create answer; the store then refuses to keep it (the write
  // check, a string, passed): the create landed but was never journaled.
  const refuseValue = () =>
    refusingSecrets((op, key, value) =>
      op === 'set' && key === PENDING && typeof value !== 'string'
        ? new PermissionDeniedError('vault denies', { status: 403 })
        : undefined,
    );

  it('finds and revokes the new generation before the old one gets its budget back', async () => {
    const violations = await prodToken(V3_GENERATIONS, 487.65);
    const manager = world.manager({ gracePeriodMs: DAY, secrets: refuseValue() });
    const error = (await manager.rotate(OLD).catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'create', resumable: false });
    expect(error.message).toMatch(
      /Rolled back: prod-web-app is still current and prod-web-app--g2 was revoked/,
    );
    expect(world.fake.keys().find((k) => k.name === NEW)?.revoked).toBe(true);
    expect(await expectCleanEnd(world, OLD, 48765)).toBe(OLD);
    expect(violations).toEqual([]);
  });

  it('pauses when the new generation cannot be looked up, and finishes once it can', async () => {
    const violations = await prodToken(V3_GENERATIONS, 487.65);
    let landed = false;
    world.afterRequest.push(async () => {
      // The create just landed: from now on a gateway refuses to show the new key.
      if (landed || world.fake.requests.at(-1)?.method !== 'POST') return;
      landed = true;
      world.fake.inject({
        kind: 'status',
        status: 403,
        times: Number.POSITIVE_INFINITY,
        match: { method: 'GET', path: world.paths.token(NEW) },
      });
    });
    const manager = world.manager({ gracePeriodMs: DAY, secrets: refuseValue() });
    const error = (await manager.rotate(OLD).catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'rollback', resumable: true });
    expect(error.message).toMatch(/rollback failed too \(cannot tell whether prod-web-app--g2 exists/);
    expect(error.message).not.toMatch(/revoked/);
    expect(await manager.status(OLD)).toMatchObject({ status: 'rollingBack' });
    // The old generation got nothing back while a funded new one may exist.
    expect(balances()).toEqual([
      [OLD, 48.76],
      [NEW, 438.89],
    ]);
    world.afterRequest.length = 1; // keep the invariant watcher only
    world.fake.clearFaults();
    const { failed } = await manager.resume();
    expect(failed).toEqual([
      {
        name: OLD,
        error: expect.objectContaining({ resumable: false, message: expect.stringMatching(/was revoked/) }),
      },
    ]);
    expect((await manager.status(OLD))?.status).toBe('rolledBack');
    expect(await expectCleanEnd(world, OLD, 48765)).toBe(OLD);
    expect(violations).toEqual([]);
  });
});

describe.each(GENERATIONS)('a create refused outright on $label', (flavour) => {
  it('says the new generation was never created (not "revoked")', async () => {
    await prodToken(flavour, 487.65);
    world.fake.inject({ kind: 'status', status: 422, match: { method: 'POST', path: world.paths.list } });
    const error = (await world
      .manager()
      .rotate(OLD)
      .catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'create', resumable: false });
    expect(error.message).toMatch(/prod-web-app is still current and prod-web-app--g2 was never created\.$/);
    expect(await expectCleanEnd(world, OLD, 48765)).toBe(OLD);
  });
});

describe.each([V2, V3])(
  'a DELETE answered 404 while the old generation is still there, on $label',
  (flavour) => {
    it('is not taken for "revoked": finalize() pauses, then finishes', async () => {
      const violations = await prodToken(flavour, 487.65);
      const manager = world.manager({ gracePeriodMs: DAY });
      await manager.rotate(OLD);
      world.advance(DAY);
      // Its DELETE answers 404 (a proxy's, or a stale route) during this finalize.
      world.fake.inject({
        kind: 'status',
        status: 404,
        times: 2,
        match: { method: 'DELETE', path: world.paths.token(OLD) },
      });
      const first = await manager.finalize();
      expect(first.finalized).toEqual([]);
      expect(first.failed[0]?.error.message).toMatch(
        /the delete of prod-web-app answered 404, but a lookup still finds it/,
      );
      expect(balances()).toEqual([
        [OLD, 48.76],
        [NEW, 438.89],
      ]);
      world.fake.clearFaults();
      world.advance(LEASE_MS + 1);
      expect((await manager.finalize()).finalized).toEqual([
        expect.objectContaining({ status: 'completed' }),
      ]);
      expect(await expectCleanEnd(world, OLD, 48765)).toBe(NEW);
      expect(violations).toEqual([]);
    });
  },
);

describe.each([V2, V3_GENERATIONS, V3])('a SecretStore that cannot write, on $label', (flavour) => {
  it('fails the rotation before its first write at Eden, naming the store and what it cannot do', async () => {
    const violations = await prodToken(flavour, 40);
    const value = (await world.secrets.get('edenai/prod-web-app'))!.value.reveal();
    // A service deployment: the value comes from the environment, and the store cannot write.
    const secrets = new EnvSecretStore({
      env: { EDENAI_TOKEN_EDENAI_PROD_WEB_APP: value },
      dataDir: false,
      cwd: false,
    });
    const manager = world.manager({ gracePeriodMs: 0, secrets });
    world.fake.resetRequestLog();
    const error = (await manager.rotate(OLD).catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ resumable: false, cause: expect.any(ConfigurationError) });
    expect(error.message).toMatch(
      /the SecretStore \(EnvSecretStore\) cannot write edenai\/prod-web-app\.pending \(EnvSecretStore is read-only/,
    );
    expect(error.message).toMatch(/Nothing was changed at Eden/);
    expect(error.message).not.toContain(value);
    expect(world.fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(balances()).toEqual([[OLD, 40]]);
    // Ended, not stuck: nothing to resume.
    expect((await manager.status(OLD))?.status).toBe('rolledBack');
    expect(await manager.resume()).toEqual({ resumed: [], failed: [], skipped: [] });
    expect(violations).toEqual([]);
  });
});

describe.each(GENERATIONS)(
  'a rotation resumed where the SecretStore refuses writes, on $label',
  (flavour) => {
    it('rolls back to the end (the journal is never stuck in rollingBack)', async () => {
      const violations = await prodToken(flavour, 487.65);
      const controller = new AbortController();
      const starter = world.manager({ gracePeriodMs: 0 });
      starter.on('rotation.step', (e) => {
        if (e.step === 'create') controller.abort(new Error('shutting down'));
      });
      await expect(starter.rotate(OLD, { signal: controller.signal })).rejects.toMatchObject({
        resumable: true,
      });
      // The process that resumes it has a store that has become read-only.
      const readOnly = () => new ConfigurationError('the store is read-only');
      const logger = captureLogger();
      const manager = world.manager({ gracePeriodMs: 0, logger, secrets: refusingSecrets(readOnly) });
      const { failed } = await manager.resume();
      expect(failed).toEqual([{ name: OLD, error: expect.objectContaining({ resumable: false }) }]);
      expect((await manager.status(OLD))?.status).toBe('rolledBack');
      expect(await manager.resume()).toEqual({ resumed: [], failed: [], skipped: [] });
      expect(balances()).toEqual([[OLD, 487.65]]);
      expect(await world.current(OLD)).toEqual({ tokenName: OLD, valueMatches: true });
      if (flavour.api === 'v3') {
        // v3 kept the value from the create answer before the store turned read-only: reported.
        expect(await world.pendingKeys()).toEqual([PENDING]);
        expect(logger.lines.join('\n')).toMatch(/cannot delete the pending entry .* delete it by hand/);
      } else expect(await world.pendingKeys()).toEqual([]);
      expect(violations).toEqual([]);
    });
  },
);

describe.each(GENERATIONS)(
  'a SecretStore that writes the current entry but cannot delete, on $label',
  (flavour) => {
    it('never turns a promoted rotation into a rollback: the leftover pending entry is reported', async () => {
      const violations = await prodToken(flavour, 487.65);
      let armed = false;
      const refuseDelete = () =>
        refusingSecrets((op, key) =>
          armed && op === 'delete' && key === PENDING
            ? new ConfigurationError('deletes are not allowed')
            : undefined,
        );
      const logger = captureLogger();
      const manager = world.manager({ gracePeriodMs: 0, logger, secrets: refuseDelete() });
      manager.on('rotation.step', (e) => {
        if (e.step === 'verify') armed = true;
      });
      await expect(manager.rotate(OLD)).resolves.toMatchObject({ status: 'completed' });
      expect(await world.current(OLD)).toEqual({ tokenName: NEW, valueMatches: true });
      expect(balances()).toEqual([[NEW, 487.65]]);
      expect(await world.pendingKeys()).toEqual([PENDING]);
      expect(logger.lines.join('\n')).toMatch(/cannot delete the pending entry .* delete it by hand/);
      expect(violations).toEqual([]);
    });
  },
);

describe('a native rotation whose value cannot be stored after the rotate landed (v3)', () => {
  it('does not claim "nothing changed": it pauses, and resume() rotates again', async () => {
    const violations = await prodToken(V3, 487.65);
    let refuse = true;
    const secrets = refusingSecrets((op, key, value) =>
      refuse && op === 'set' && key === 'edenai/prod-web-app' && typeof value !== 'string'
        ? new PermissionDeniedError('vault denies', { status: 403 })
        : undefined,
    );
    const manager = world.manager({ gracePeriodMs: 0, secrets });
    const error = (await manager.rotate(OLD).catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'rotate', resumable: true });
    expect(error.message).not.toMatch(/Nothing changed/);
    expect(error.message).toMatch(/may hold a dead value until resume\(\) rotates prod-web-app again/);
    expect(await manager.status(OLD)).toMatchObject({ status: 'failed' });
    refuse = false;
    world.advance(LEASE_MS + 1);
    await settle(world, manager, 0);
    expect(await expectCleanEnd(world, OLD, 48765)).toBe(OLD);
    expect(await manager.failures()).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('a refused lookup while verifying a resumed rotation pauses it instead of ending it with an error', async () => {
    const violations = await prodToken(V3, 487.65);
    const controller = new AbortController();
    const manager = world.manager({ gracePeriodMs: 0 });
    manager.on('rotation.step', (e) => {
      if (e.step === 'rotate') controller.abort(new Error('shutting down'));
    });
    await expect(manager.rotate(OLD, { signal: controller.signal })).rejects.toMatchObject({
      step: 'verify',
    });
    world.fake.inject({ kind: 'status', status: 401, times: Number.POSITIVE_INFINITY });
    const refused = await manager.resume();
    expect(refused.failed).toEqual([
      { name: OLD, error: expect.objectContaining({ step: 'verify', resumable: true }) },
    ]);
    expect(await manager.status(OLD)).toMatchObject({ status: 'failed' });
    world.fake.clearFaults();
    await settle(world, manager, 0);
    expect(await manager.status(OLD)).toMatchObject({ status: 'completed' });
    expect(await manager.failures()).toEqual([]);
    expect(await expectCleanEnd(world, OLD, 48765)).toBe(OLD);
    expect(violations).toEqual([]);
  });
});
