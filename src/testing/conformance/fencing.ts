// The rotation lock's fencing, run on a user's StateStore: what invariant 8 needs from a store
// (compare-and-set whose versions never repeat), proven end to end with a real RotationManager
// against the fake Eden AI, so a store that passes the primitive tests but breaks fencing fails.
import type { StateStore } from '../../ports/stores.js';
import { TokenRegistry } from '../../registry/registry.js';
import { RotationManager } from '../../rotation/manager.js';
import type { ResumeResult } from '../../rotation/types.js';
import { MemorySecretStore } from '../../stores/memory.js';
import { CustomTokenClient } from '../../v2/custom-token-client.js';
import { createFakeEdenAI } from '../fake/create.js';
import * as assert from './assert.js';

const NAME = 'prod-web-app';
const LEASE_MS = 60_000;

/**
 * Holder A pauses inside its rotation (in the verify step) for longer than its lease; holder B,
 * sharing `state`, takes the lock over and finishes the rotation; then A continues. A must stop
 * without writing (its writes are refused), and B's result must stand: one live generation, the
 * current entry holding its value, the journal completed by B.
 */
export async function fencedTakeover(state: StateStore): Promise<void> {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const clock = () => new Date(now);
  const fake = await createFakeEdenAI({ listen: false, clock });
  try {
    const secrets = new MemorySecretStore();
    const registry = new TokenRegistry({
      backend: new CustomTokenClient(fake.clientOptions),
      secrets,
      environments: { prod: { tokenType: 'api_token', budget: { default: 100, max: 1000 } } },
      clock,
    });
    await registry.create({ environment: 'prod', app: 'web-app', budget: 100 });
    const options = { registry, state, clock, gracePeriodMs: 0, lockLeaseMs: LEASE_MS };
    let taken: ResumeResult | undefined;
    const a = new RotationManager({
      ...options,
      verify: async () => {
        // A GC pause, a suspended pod: the lease passes, and another holder takes over.
        now += LEASE_MS + 1;
        taken = await new RotationManager(options).resume();
        return true;
      },
    });
    const outcome = await a.rotate(NAME).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.equal(taken?.resumed.length, 1, 'the second holder took over and finished the rotation');
    assert.equal(taken?.resumed[0]?.status, 'completed');
    assert.ok(
      outcome instanceof Error && /another process took over its lock/.test(outcome.message),
      `the paused holder must stop at its next write: got ${String(outcome)}`,
    );
    const status = await new RotationManager(options).status(NAME);
    assert.equal(status?.status, 'completed', 'the journal is the one the second holder completed');
    assert.equal(status?.rotationId, taken?.resumed[0]?.rotationId);
    const live = fake.tokens();
    assert.equal(live.length, 1, 'exactly one live generation');
    const current = await secrets.get(registry.secretRefFor(NAME));
    const value = fake.tokenValue(live[0]!.name);
    assert.ok(
      current !== undefined && value !== undefined && current.value.equals(value),
      'the current entry holds the live generation’s value',
    );
  } finally {
    await fake.close();
  }
}
