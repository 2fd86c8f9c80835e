// Abandoned rotations: verify refusals, definitive API errors, unreadable values, aborts — on v2 and
// v3 by generations (a native rotation cannot be rolled back: see native.test.ts).

import { RotationError } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, DAY, type Flavour, V2, V3_GENERATIONS, type World } from './harness.js';
import { expectCleanEnd, settle } from './invariants.js';

const B = 48765;
let world: World;
afterEach(async () => {
  await world?.fake.close();
});

/** Generation-based rotations: v3 with `native: 'never'`, so that `gracePeriodMs: 0` stays on generations. */
const GENERATIONS: readonly Flavour[] = [V2, V3_GENERATIONS];

async function prodToken(options: Parameters<typeof createWorld>[0] = {}) {
  world = await createWorld(options);
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  return world.watch('prod-web-app', B);
}

describe.each(GENERATIONS)('verify on $label', (flavour) => {
  it('receives the new value; false revokes the new generation and gives the allowance back', async () => {
    const violations = await prodToken({ flavour });
    const seen: { name: string; tokenName: string; generation: number; value: string }[] = [];
    const manager = world.manager({
      gracePeriodMs: DAY,
      verify: ({ name, tokenName, generation, secret }) => {
        seen.push({ name, tokenName, generation, value: secret.reveal() });
        return false;
      },
    });
    const failed: unknown[] = [];
    manager.on('rotation.failed', (e) => failed.push(e));
    const error = await manager.rotate('prod-web-app').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RotationError);
    expect(error).toMatchObject({ step: 'verify', resumable: false, tokenName: 'prod-web-app' });
    expect((error as Error).message).toMatch(
      /verify returned false\. Rolled back: prod-web-app is still current/,
    );
    expect(seen).toEqual([
      {
        name: 'prod-web-app',
        tokenName: 'prod-web-app--g2',
        generation: 2,
        value: expect.stringMatching(/^sk-eden-fake-/),
      },
    ]);
    expect(failed).toEqual([expect.objectContaining({ step: 'verify', rolledBack: true, resumable: false })]);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app');
    expect(world.generations('prod-web-app')[0]).toMatchObject({ balanceResetPeriod: 'monthly' });
    expect(violations).toEqual([]);
    expect((await manager.status('prod-web-app'))?.status).toBe('rolledBack');
    expect(await manager.failures()).toEqual([
      expect.objectContaining({ name: 'prod-web-app', step: 'verify', message: 'verify returned false' }),
    ]);
    // Nothing to resume; a new rotation (with a happier verify) works.
    expect(await manager.resume()).toEqual({ resumed: [], failed: [], skipped: [] });
    await expect(world.manager({ gracePeriodMs: 0 }).rotate('prod-web-app')).resolves.toMatchObject({
      newTokenName: 'prod-web-app--g2',
    });
    expect(await manager.failures()).toEqual([]);
  });

  it('a throwing verify rolls back too, and its message never carries the value', async () => {
    const violations = await prodToken({ flavour });
    const manager = world.manager({
      gracePeriodMs: 0,
      verify: ({ secret }) => {
        throw new Error(`401 from a smoke test with ${secret.reveal()}`);
      },
    });
    const error = (await manager.rotate('prod-web-app').catch((e: unknown) => e)) as RotationError;
    expect(error.step).toBe('verify');
    expect(error.message).toMatch(/verify threw: 401 from a smoke test with \[secret fp:[0-9a-f]{8}\]/);
    const status = await manager.status('prod-web-app');
    expect(status?.error?.message).toMatch(/^verify threw: 401 from a smoke test with \[secret fp:/);
    expect(JSON.stringify([status, await manager.failures()])).not.toMatch(/sk-eden-fake-/);
    expect(error.message).not.toMatch(/sk-eden-fake-/);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app');
    expect(violations).toEqual([]);
  });

  // v2 only: there the check reads the new generation back; v3 checks its create answer, with no
  // request in between for a stranger's top-up to land before.
  it.runIf(flavour.api === 'v2')(
    'the built-in check refuses a new generation whose budget is not the planned one',
    async () => {
      const violations = await prodToken({ flavour });
      // Someone tops the new generation up between its creation and the check: refuse it.
      world.afterRequest.push(async () => {
        const g2 = world.fake.tokens().find((t) => t.name === 'prod-web-app--g2');
        if (g2 && g2.balance === 438.89) world.fake.importState(bump(world, 'prod-web-app--g2', '1000'));
      });
      const error = (await world
        .manager()
        .rotate('prod-web-app')
        .catch((e: unknown) => e)) as RotationError;
      expect(error.step).toBe('verify');
      expect(error.message).toMatch(/prod-web-app--g2 holds 1000 USD, expected 438\.89/);
      // The old generation gets back what was carved out of it, not the stranger's top-up.
      expect(world.fake.tokens()).toEqual([
        expect.objectContaining({ name: 'prod-web-app', balance: 487.65 }),
      ]);
      expect(violations.filter((v) => !v.includes('budget'))).toEqual([]);
    },
  );
});

function bump(w: World, name: string, balance: string) {
  const state = w.fake.exportState();
  for (const t of state.tokens) if (t.name === name) t.balance = balance;
  return state;
}

describe.each(GENERATIONS)('definitive API errors roll back on $label', (flavour) => {
  it('a 400 on create: the old generation gets its whole balance back', async () => {
    const violations = await prodToken({ flavour });
    world.fake.inject({
      kind: 'status',
      status: 400,
      body: { error: { type: 'validation_error', message: { balance: ['Ensure this value is valid.'] } } },
      match: { method: 'POST' },
    });
    const error = (await world
      .manager()
      .rotate('prod-web-app')
      .catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'create', resumable: false });
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app');
    expect(world.generations('prod-web-app')[0]).toMatchObject({
      balance: 487.65,
      balanceResetPeriod: 'monthly',
    });
    expect(violations).toEqual([]);
  });

  it('a foreign token already holding the next generation name is left alone', async () => {
    const violations = await prodToken({ flavour });
    // Appears between the snapshot and the create.
    let planted = false;
    world.afterRequest.push(async () => {
      if (planted || world.fake.tokens().length !== 1 || world.fake.tokens()[0]!.balance !== 48.76) return;
      planted = true;
      const state = world.fake.exportState();
      state.tokens.push({
        ...state.tokens[0]!,
        name: 'prod-web-app--g2',
        value: 'sk-foreign',
        balance: '1.00',
      });
      world.fake.importState(state);
    });
    const error = (await world
      .manager()
      .rotate('prod-web-app')
      .catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'create', resumable: false });
    expect(world.fake.tokenValue('prod-web-app--g2')).toBe('sk-foreign');
    expect(world.generations('prod-web-app')[0]).toMatchObject({ name: 'prod-web-app', balance: 487.65 });
    expect(await world.current('prod-web-app')).toEqual({ tokenName: 'prod-web-app', valueMatches: true });
    expect(violations.filter((v) => !v.includes('budget'))).toEqual([]);
  });
});

// v2 only: a wire variant (Eden's newer v2 answers show `masked` instead of the value).
describe('a backend that never reveals values (masked v2)', () => {
  it('the rotation is rolled back after one retry with the next generation; nothing is left behind', async () => {
    world = await createWorld({ fake: { tokenValues: 'masked' } });
    // The registry cannot create tokens on such a backend either: plant one with its entry.
    const state = world.fake.exportState();
    state.tokens.push({
      name: 'prod-web-app',
      value: 'sk-eden-fake-planted',
      tokenType: 'api_token',
      balance: '487.65',
      activeBalance: true,
      expireTime: null,
      balanceResetPeriod: 'none',
      balanceResetAmount: null,
      resetPeriodKey: null,
    });
    world.fake.importState(state);
    await world.secrets.set('edenai/prod-web-app', 'sk-eden-fake-planted', {
      metadata: { tokenName: 'prod-web-app', generation: 1 },
    });
    const violations = world.watch('prod-web-app', B);
    const error = (await world
      .manager()
      .rotate('prod-web-app')
      .catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'read', resumable: false });
    expect(error.message).toMatch(/returned no value for prod-web-app--g3/);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app');
    expect(violations).toEqual([]);
  });
});

describe.each(GENERATIONS)('abort on $label', (flavour) => {
  it('an aborted rotation pauses; resume() continues it', async () => {
    const violations = await prodToken({ flavour });
    const controller = new AbortController();
    const manager = world.manager({ gracePeriodMs: 0 });
    manager.on('rotation.step', (e) => {
      if (e.step === 'create') controller.abort(new Error('shutting down'));
    });
    const error = (await manager
      .rotate('prod-web-app', { signal: controller.signal })
      .catch((e) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'read', resumable: true });
    expect(await manager.failures()).toEqual([
      expect.objectContaining({ step: 'read', message: 'shutting down' }),
    ]);
    const { resumed } = await manager.resume();
    expect(resumed).toEqual([
      expect.objectContaining({ status: 'completed', newTokenName: 'prod-web-app--g2' }),
    ]);
    await settle(world, manager, 0);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
    expect(violations).toEqual([]);
    expect(await manager.failures()).toEqual([]);
  });

  it('resume(), finalize() and status() take a signal: an abort pauses the work, a later call continues it', async () => {
    const violations = await prodToken({ flavour });
    const manager = world.manager({ gracePeriodMs: DAY });
    const first = new AbortController();
    const stopAfterCreate = (e: { step: string }) => {
      if (e.step === 'create') first.abort(new Error('shutting down'));
    };
    manager.on('rotation.step', stopAfterCreate);
    await expect(manager.rotate('prod-web-app', { signal: first.signal })).rejects.toMatchObject({
      resumable: true,
    });
    manager.off('rotation.step', stopAfterCreate);
    const aborted = AbortSignal.abort(new Error('stop'));
    await expect(manager.status('prod-web-app', { signal: aborted })).rejects.toThrow('stop');
    await expect(manager.resume({ signal: aborted })).rejects.toThrow('stop');
    await expect(manager.finalize({ signal: aborted })).rejects.toThrow('stop');
    // Aborted while resuming: paused again, at a later step.
    const second = new AbortController();
    const stopAfterRead = (e: { step: string }) => {
      if (e.step === 'read') second.abort(new Error('shutting down again'));
    };
    manager.on('rotation.step', stopAfterRead);
    const paused = await manager.resume({ signal: second.signal });
    manager.off('rotation.step', stopAfterRead);
    expect(paused.resumed).toEqual([]);
    expect(paused.failed.map((f) => f.name)).toEqual(['prod-web-app']);
    expect(await manager.status('prod-web-app')).toMatchObject({
      status: 'failed',
      step: 'read',
      error: expect.objectContaining({ step: 'verify', resumable: true }),
    });
    expect((await manager.resume()).resumed).toEqual([expect.objectContaining({ status: 'grace' })]);
    // Aborted while finalizing: still in its grace period; a later finalize() finishes it.
    world.advance(DAY);
    const third = new AbortController();
    const stopOnStart = () => third.abort(new Error('shutting down once more'));
    manager.on('rotation.started', stopOnStart);
    const unfinished = await manager.finalize({ signal: third.signal });
    manager.off('rotation.started', stopOnStart);
    expect(unfinished.finalized).toEqual([]);
    expect(unfinished.failed.map((f) => f.name)).toEqual(['prod-web-app']);
    expect((await manager.status('prod-web-app'))?.status).toBe('grace');
    expect((await manager.finalize()).finalized).toEqual([expect.objectContaining({ status: 'completed' })]);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
    expect(violations).toEqual([]);
  });

  it('a rotation paused before its drain splits the balance the old generation holds when resumed', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'staging', app: 'web' }); // $50, no reset period
    const violations = world.watch('staging-web', 5000);
    const controller = new AbortController();
    const manager = world.manager({ gracePeriodMs: DAY });
    manager.on('rotation.step', (e) => {
      if (e.step === 'snapshot') controller.abort(new Error('shutting down'));
    });
    await expect(manager.rotate('staging-web', { signal: controller.signal })).rejects.toMatchObject({
      step: 'drain',
      resumable: true,
    });
    // Services spend most of the budget before the rotation is resumed.
    expect(world.fake.simulateUsage({ token: 'staging-web', cost: 48 })).toEqual({ ok: true });
    await manager.resume();
    // $2 left, below the $5 allowance: the old generation keeps it all, the new one gets nothing more.
    expect(world.generations('staging-web').map((t) => t.balance)).toEqual([2, 0]);
    world.advance(DAY);
    await manager.finalize();
    expect(await expectCleanEnd(world, 'staging-web', 200)).toBe('staging-web--g2');
    expect(violations).toEqual([]);
  });
});
