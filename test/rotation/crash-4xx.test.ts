// The crash matrix, extended with 4xx answers during recovery: the rotation is killed after each
// of its effects (lock writes aside), then the process that recovers it gets a 401, 403, 404 or 409 on one of its
// requests (each in turn). Whatever that answer was, and whatever it was told, the invariants hold
// after every request (the current entry names a live token; the generations together hold no more
// than the old balance), no message claims a generation was revoked while it is still live, and a
// later resume() with good answers converges: one live funded generation holding the stored value.

import type { RotationManager } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, DAY, type Flavour, V2, V3, V3_GENERATIONS, type World } from './harness.js';
import { expectCleanEnd, GRACE, LEASE_MS, settle } from './invariants.js';

const B = 48765; // cents
const NAME = 'prod-web-app';

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

/** v2, v3 by generations and v3 native; the finalize path (leftover moved, old revoked) on v2. */
const CASES: [string, Flavour, number][] = [
  ['v2, gracePeriodMs: 0', V2, GRACE.none],
  ['v2, a grace period', V2, GRACE.day],
  ['v3 native (gracePeriodMs: 0)', V3, GRACE.none],
  ['v3 by generations, gracePeriodMs: 0', V3_GENERATIONS, GRACE.none],
];

/** "X was revoked" claims in `messages` about a token that is still live at Eden. */
function falseRevocations(messages: string[]): string[] {
  const live = new Set(world.fake.tokens().map((t) => t.name));
  return messages.filter((m) => [...m.matchAll(/(\S+) was revoked/g)].some(([, name]) => live.has(name!)));
}

/** Everything a manager said about failures, from its events and the results of `call`. */
async function heard(manager: RotationManager, call: () => Promise<{ failed: { error: Error }[] }>) {
  const messages: string[] = [];
  const listen = (e: { message: string }) => messages.push(e.message);
  manager.on('rotation.failed', listen);
  const { failed } = await call();
  manager.off('rotation.failed', listen);
  return [...messages, ...failed.map((f) => f.error.message)];
}

/**
 * Rotates (and, with a grace period, finalizes) in a process that dies after its `limit`-th
 * effect; a new process recovers it, with `status` answered to its `at`-th request. Returns
 * whether that request happened (the recovery may need fewer).
 */
async function scenario(flavour: Flavour, graceMs: number, limit: number, status: number, at: number) {
  world = await createWorld({ flavour });
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  world.advance(DAY);
  const violations = world.watch(NAME, B);
  const dying = world.manager({ gracePeriodMs: graceMs }, world.arm(limit));
  const ok = await dying.rotate(NAME).then(
    () => true,
    () => false,
  );
  if (ok && graceMs > 0) {
    world.advance(graceMs);
    await dying.finalize().catch(() => undefined);
  }
  world.arm(); // the new process
  const { tokenName } = await world.current(NAME);
  const spent = world.fake.simulateUsage({ token: tokenName!, cost: 1 }).ok ? 100 : 0;
  let sent = 0;
  world.beforeRequest.push(() => {
    if (++sent === at) world.fake.inject({ kind: 'status', status, times: 1 });
  });
  const manager = world.manager({ gracePeriodMs: graceMs });
  world.advance(LEASE_MS + 1);
  const told = await heard(manager, () => manager.resume());
  world.advance(graceMs + 1);
  told.push(...(await heard(manager, () => manager.finalize())));
  const hit = world.fake.requests.some((r) => r.fault === 'status');
  expect(falseRevocations(told), `limit ${limit}, ${status} on request ${at}`).toEqual([]);
  // Good answers from now on: it converges.
  world.beforeRequest.length = 0;
  world.advance(LEASE_MS + 1);
  await manager.resume();
  await settle(world, manager, graceMs);
  const state = (await manager.status(NAME))?.status;
  expect(['completed', 'rolledBack', undefined], `limit ${limit}, ${status} on request ${at}`).toContain(
    state,
  );
  // A 404 proves absence, so one told about a live token can forfeit budget; never add any.
  await expectCleanEnd(world, NAME, { min: 0, max: B - spent });
  expect(violations, `limit ${limit}, ${status} on request ${at}`).toEqual([]);
  await world.fake.close();
  return hit;
}

/**
 * The crash points to try: each effect of an uninterrupted rotation (and finalize), except lock
 * writes (a crash after one leaves what a crash after the previous effect leaves, the lease aside).
 */
async function crashPoints(flavour: Flavour, graceMs: number): Promise<number[]> {
  world = await createWorld({ flavour });
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  world.advance(DAY);
  const kill = world.arm();
  const manager = world.manager({ gracePeriodMs: graceMs }, kill);
  await manager.rotate(NAME);
  if (graceMs > 0) {
    world.advance(graceMs);
    await manager.finalize();
  }
  await world.fake.close();
  return kill.kinds.flatMap((kind, i) => (kind === 'lock' ? [] : [i + 1]));
}

describe.each(CASES)(
  'a crash after any effect, then a 4xx during recovery (%s)',
  (_label, flavour, graceMs) => {
    it.each([401, 403, 404, 409])(
      'a %i on any request of the recovery: invariants hold, nothing false is claimed, and it converges',
      async (status) => {
        const limits = await crashPoints(flavour, graceMs);
        let runs = 0;
        for (const limit of limits) {
          for (let at = 1; await scenario(flavour, graceMs, limit, status, at); at++) runs++;
        }
        expect(runs).toBeGreaterThan(limits.length);
      },
    );
  },
);
