// The heart of the issue: kill the rotation after every single effect (each journal write, each
// secret write, each backend write), throw the manager away, and prove a new one recovers.

import type { EdenToken, TokenBackend } from 'edenai-token-manager';
import { Secret, TokenRegistry } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorld,
  DAY,
  ENVIRONMENTS,
  type Flavour,
  V2,
  V3,
  V3_GENERATIONS,
  type World,
} from './harness.js';
import { expectCleanEnd, GRACE, settle } from './invariants.js';

const B = 48765; // cents: the prod token's budget, 487.65

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

async function scenario(
  graceMs: number,
  limit: number,
  verifyOk: boolean,
  valueOnCreate = false,
  flavour: Flavour = V2,
) {
  world = await createWorld({ flavour });
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  // A day later: the policy's 90 days end later than the token's, so a native rotation moves the expiry too.
  world.advance(DAY);
  const violations = world.watch('prod-web-app', B);
  const verify = async () => verifyOk;
  const registry = valueOnCreate ? valueOnCreateRegistry(world) : world.registry;
  const kill = world.arm(limit);
  const dying = world.manager({ gracePeriodMs: graceMs, verify, registry }, kill);
  // The dying process rotates and, after the grace period, finalizes: every effect of both can be the last.
  let outcome = await dying.rotate('prod-web-app').then(
    () => 'ok',
    (error: Error) => error.name,
  );
  if (outcome === 'ok' && graceMs > 0) {
    world.advance(graceMs);
    const { finalized } = await dying.finalize().catch(() => ({ finalized: [] }));
    if (finalized.length === 0) outcome = 'finalize failed';
  }
  const effects = kill.effects;
  world.arm(); // the new process
  // Services keep spending on whatever the current entry names until the rotation is resumed.
  const { tokenName } = await world.current('prod-web-app');
  const spent = world.fake.simulateUsage({ token: tokenName!, cost: 1 }).ok ? 100 : 0;
  const manager = world.manager({ gracePeriodMs: graceMs, verify, registry });
  await settle(world, manager, graceMs);
  // Never more than what is left after the spending; at worst (a crash that leaves a raise
  // undecidable) the old generation's allowance is lost, never added.
  const budget = { max: B - spent, min: B - spent - Math.floor(B / 10) };
  return { violations, effects, outcome, manager, crashed: kill.dead, budget };
}

/** Effects of an uninterrupted run: the crash points to try. */
async function countEffects(
  graceMs: number,
  verifyOk: boolean,
  valueOnCreate = false,
  flavour: Flavour = V2,
): Promise<number> {
  const { effects, crashed } = await scenario(
    graceMs,
    Number.POSITIVE_INFINITY,
    verifyOk,
    valueOnCreate,
    flavour,
  );
  expect(crashed).toBe(false);
  await world.fake.close();
  return effects;
}

/** Every backend × rotation method: v3 with a grace period and v3 "never native" rotate by generations. */
const CASES: [string, Flavour, number][] = [
  ['v2, gracePeriodMs: 0', V2, GRACE.none],
  ['v2, a grace period', V2, GRACE.day],
  ['v3 native (gracePeriodMs: 0)', V3, GRACE.none],
  ['v3 by generations, a grace period', V3, GRACE.day],
  ['v3 by generations, gracePeriodMs: 0', V3_GENERATIONS, GRACE.none],
];

describe.each(CASES)('a crash after any effect (%s)', (_label, flavour, graceMs) => {
  const native = flavour.api === 'v3' && flavour.native !== 'never' && graceMs === 0;

  it('is resumed by a new manager: one live generation holding the current value, budget intact', async () => {
    const total = await countEffects(graceMs, true, false, flavour);
    expect(total).toBeGreaterThan(native ? 8 : 10);
    for (let limit = 1; limit <= total; limit++) {
      const { violations, outcome, manager, crashed, budget } = await scenario(
        graceMs,
        limit,
        true,
        false,
        flavour,
      );
      expect(crashed, `limit ${limit}`).toBe(true);
      // The last effect is releasing the lock: the work was done by then.
      if (limit < total) expect(outcome, `limit ${limit}`).not.toBe('ok');
      // Crashed before anything was journaled: nothing happened; the token still rotates.
      const status = await manager.status('prod-web-app');
      if (status?.status !== 'completed') {
        expect(status, `limit ${limit}`).toBeUndefined();
        await manager.rotate('prod-web-app');
        await settle(world, manager, graceMs);
      }
      expect((await manager.status('prod-web-app'))?.status, `limit ${limit}`).toBe('completed');
      const live = await expectCleanEnd(world, 'prod-web-app', budget);
      // v3 never recreates a generation (a lost create answer is made good by rotating it).
      if (native) expect(live, `limit ${limit}`).toBe('prod-web-app');
      else if (flavour.api === 'v3') expect(live, `limit ${limit}`).toBe('prod-web-app--g2');
      else expect(live, `limit ${limit}`).toMatch(/^prod-web-app--g[23]$/);
      expect(violations, `limit ${limit}`).toEqual([]);
      expect(await manager.failures()).toEqual([]);
      await world.fake.close();
    }
  });

  it.skipIf(native)(
    'during a rollback (verify refuses) is resumed too: the old generation is current with its whole budget',
    async () => {
      const total = await countEffects(graceMs, false, false, flavour);
      for (let limit = 1; limit <= total; limit++) {
        const { violations, manager, budget } = await scenario(graceMs, limit, false, false, flavour);
        const status = await manager.status('prod-web-app');
        if (status) expect(status.status, `limit ${limit}`).toBe('rolledBack');
        // The restored reset period tells a resumed rollback whether its raise landed: exact.
        const live = await expectCleanEnd(world, 'prod-web-app', budget.max);
        expect(live).toBe('prod-web-app');
        expect(world.generations('prod-web-app')[0]).toMatchObject({
          balanceResetPeriod: 'monthly',
          balanceResetAmount: 487.65,
        });
        expect(violations, `limit ${limit}`).toEqual([]);
        await world.fake.close();
      }
    },
  );
});

describe('a crash after any effect of a native rotation whose verify refuses (v3)', () => {
  it('ends with the new value stored and the failure reported: nothing to roll back to', async () => {
    const total = await countEffects(GRACE.none, false, false, V3);
    for (let limit = 1; limit <= total; limit++) {
      const { violations, manager, budget, outcome } = await scenario(GRACE.none, limit, false, false, V3);
      const status = await manager.status('prod-web-app');
      if (status === undefined) {
        // Crashed before the journal existed: nothing happened.
        expect(world.fake.tokenValue('prod-web-app'), `limit ${limit}`).toBeDefined();
      } else {
        expect(status, `limit ${limit}`).toMatchObject({
          mode: 'native',
          status: 'completed',
          error: { step: 'verify', resumable: false },
        });
        expect(await manager.failures(), `limit ${limit}`).toEqual([
          expect.objectContaining({ step: 'verify', message: 'verify returned false' }),
        ]);
      }
      expect(outcome, `limit ${limit}`).not.toBe('ok');
      expect(await expectCleanEnd(world, 'prod-web-app', budget.max)).toBe('prod-web-app');
      expect(violations, `limit ${limit}`).toEqual([]);
      await world.fake.close();
    }
  });
});

/**
 * A backend like the v3 Management API: the value comes once, in the create answer, and reads
 * never return it. A crash right after the create loses the value for good.
 */
function valueOnCreateRegistry(w: World): TokenRegistry {
  const client = w.client;
  const strip = ({ secret: _secret, ...rest }: EdenToken): EdenToken => rest;
  const backend: TokenBackend = {
    create: async (input, options) => {
      const token = await client.create(input, options);
      const value = w.fake.tokenValue(token.name);
      return value ? { ...token, secret: new Secret(value) } : token;
    },
    list: async (options) => (await client.list(options)).map(strip),
    get: async (name, options) => strip(await client.get(name, options)),
    update: (name, patch, options) => client.update(name, patch, options),
    delete: (name, options) => client.delete(name, options),
  };
  return new TokenRegistry({ backend, secrets: w.secrets, environments: ENVIRONMENTS, clock: w.clock });
}

// v2 client dressed as a value-on-create backend WITHOUT a native rotate: the recreate fallback.
describe('a backend that hands the value over only at creation (v3-like, no rotate)', () => {
  it('uses the create answer (no read request) and survives a crash after any effect', async () => {
    await scenario(0, Number.POSITIVE_INFINITY, true, true);
    const writes = world.fake.requests.slice(-4).map((r) => r.method);
    expect(writes).toEqual(['GET', 'PATCH', 'POST', 'DELETE']); // list, drain, create, delete: no read
    await world.fake.close();
    const total = await countEffects(0, true, true);
    let recreated = 0;
    for (let limit = 1; limit <= total; limit++) {
      const { violations, manager, budget } = await scenario(0, limit, true, true);
      if ((await manager.status('prod-web-app'))?.status !== 'completed') {
        await manager.rotate('prod-web-app');
      }
      const live = await expectCleanEnd(world, 'prod-web-app', budget);
      // When the crash lost the one-time value, the generation was discarded and made again.
      if (live === 'prod-web-app--g3') recreated++;
      else expect(live, `limit ${limit}`).toBe('prod-web-app--g2');
      expect(violations, `limit ${limit}`).toEqual([]);
      await world.fake.close();
    }
    expect(recreated).toBeGreaterThan(0);
  });
});
