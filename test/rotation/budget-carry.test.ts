// Rotation carries the allocated budget to every new generation (invariant 9): the current entry's
// `budget` metadata survives promote and finalize, on generations (v2, v3) and native rotation (v3).
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, HOUR, NO_GRACE, WITH_GRACE, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.fake.close();
  world = undefined;
});

/** A $80 staging token (the policy default is $50, so only the recorded budget can say 80) at $12.80. */
async function spentToken(w: World) {
  await w.registry.create({ environment: 'staging', app: 'web', budget: 80 });
  expect(w.fake.simulateUsage({ token: 'staging-web', cost: 67.2 })).toEqual({ ok: true });
  expect(await w.registry.get('staging-web')).toMatchObject({
    budget: 80,
    budgetSource: 'recorded',
    balance: 12.8,
  });
}

describe.each(WITH_GRACE)('budget across a rotation with a grace period on $label', (flavour) => {
  it('the new generation keeps the budget through promote and finalize', async () => {
    world = await createWorld({ flavour });
    await spentToken(world);
    const manager = world.manager({ gracePeriodMs: HOUR });
    await manager.rotate('staging-web');
    // Grace: the new generation holds 90 % of what was left, measured against the same budget.
    expect(await world.registry.get('staging-web')).toMatchObject({
      tokenName: 'staging-web--g2',
      budget: 80,
      budgetSource: 'recorded',
      balance: 11.52,
    });
    world.advance(HOUR);
    expect((await manager.finalize()).finalized.map((r) => r.name)).toEqual(['staging-web']);
    expect(await world.registry.get('staging-web')).toMatchObject({ budget: 80, balance: 12.8 });
    expect((await world.secrets.get('edenai/staging-web'))?.metadata).toMatchObject({
      tokenName: 'staging-web--g2',
      budget: 80,
    });
  });
});

describe.each(NO_GRACE)('budget across a rotation without grace period on $label', (flavour) => {
  it('the new value’s entry keeps the budget', async () => {
    world = await createWorld({ flavour });
    await spentToken(world);
    const result = await world.manager({ gracePeriodMs: 0 }).rotate('staging-web');
    expect(result.status).toBe('completed');
    expect(await world.registry.get('staging-web')).toMatchObject({
      tokenName: world.rotatedName('staging-web', 0),
      budget: 80,
      budgetSource: 'recorded',
      balance: 12.8,
    });
  });
});
