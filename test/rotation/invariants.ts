// Shared end-state checks of the crash and fault tests (invariants 2 and 3).

import type { RotationManager } from 'edenai-token-manager';
import { expect } from 'vitest';
import { DAY, type World } from './harness.js';

export const LEASE_MS = 5 * 60_000;

/** Resumes (twice, proving the second does nothing), then finalizes past any grace period. */
export async function settle(world: World, manager: RotationManager, graceMs: number): Promise<void> {
  world.advance(LEASE_MS + 1);
  await manager.resume();
  const requests = world.fake.requests.length;
  const journal = JSON.stringify(await world.state.get('rotation/journal/prod-web-app'));
  const again = await manager.resume();
  expect(again).toEqual({ resumed: [], failed: [], skipped: [] });
  expect(world.fake.requests.length).toBe(requests);
  expect(JSON.stringify(await world.state.get('rotation/journal/prod-web-app'))).toBe(journal);
  world.advance(graceMs + 1);
  await manager.finalize();
  world.advance(LEASE_MS + 1);
  await manager.resume();
  await manager.finalize();
}

/**
 * Exactly one live generation, the current entry holds its value, no pending entry, and a budget
 * of exactly `cents` (or within `{ min, max }`).
 */
export async function expectCleanEnd(
  world: World,
  name: string,
  cents: number | { min: number; max: number } | null,
): Promise<string> {
  const live = world.fake.tokens().map((t) => t.name);
  expect(live).toHaveLength(1);
  const current = await world.current(name);
  expect(current).toEqual({ tokenName: live[0], valueMatches: true });
  expect(await world.pendingKeys()).toEqual([]);
  expect(await world.secrets.list()).toEqual([world.registry.secretRefFor(name)]);
  const [token] = world.fake.tokens();
  if (cents !== null) {
    expect(token!.activeBalance).toBe(true);
    if (typeof cents === 'number') expect(world.budgetCents(name)).toBe(cents);
    else {
      const got = world.budgetCents(name);
      expect(got, `budget ${got} within ${cents.min}..${cents.max}`).toBeLessThanOrEqual(cents.max);
      expect(got, `budget ${got} within ${cents.min}..${cents.max}`).toBeGreaterThanOrEqual(cents.min);
    }
  }
  return live[0]!;
}

export const GRACE = { none: 0, day: DAY } as const;
