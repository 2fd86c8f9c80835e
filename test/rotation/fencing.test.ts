// Fenced locks (invariant 8): a holder paused past its lease, whose lock another holder took over,
// cannot change the journal or the stored value any more. Holder A is paused before each of its
// store writes in turn; meanwhile the clock passes A's lease and holder B resumes the rotation;
// then A continues: every write it still attempts is refused, and B's rotation ends clean.
import {
  type DeleteOptions,
  RotationError,
  type RotationManager,
  type Secret,
  type SecretStore,
  type StateStore,
  type WriteOptions,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, type Flavour, NO_GRACE, V2, WITH_GRACE, type World } from './harness.js';
import { expectCleanEnd, LEASE_MS, settle } from './invariants.js';

const B = 48765;
const NAME = 'prod-web-app';
let world: World;
afterEach(async () => {
  await world?.fake.close();
});

interface Write {
  store: 'state' | 'secrets';
  op: 'set' | 'delete';
  key: string;
  ok: boolean;
}

/**
 * Stores for holder A that stop before its `pauseBefore`-th write and run `whilePaused` (the world
 * moving on without A), then let the write go ahead; every write is recorded with its outcome.
 */
function pausingStores(
  state: StateStore,
  secrets: SecretStore,
  pauseBefore: number | ((entry: Omit<Write, 'ok'>, count: number) => boolean),
  whilePaused: () => Promise<void>,
) {
  const writes: Write[] = [];
  let count = 0;
  let pausedAt = -1;
  const pauseHere =
    typeof pauseBefore === 'number' ? (_: unknown, n: number) => n === pauseBefore : pauseBefore;
  const write = async <T>(entry: Omit<Write, 'ok'>, run: () => Promise<T>): Promise<T> => {
    if (pauseHere(entry, ++count) && pausedAt < 0) {
      pausedAt = writes.length;
      await whilePaused();
    }
    try {
      const result = await run();
      writes.push({ ...entry, ok: true });
      return result;
    } catch (error) {
      writes.push({ ...entry, ok: false });
      throw error;
    }
  };
  const pausedState: StateStore = {
    get: (key) => state.get(key),
    list: (prefix) => state.list(prefix),
    set: (key, value, options) =>
      write({ store: 'state', op: 'set', key }, () => state.set(key, value, options)),
    delete: (key, options) => write({ store: 'state', op: 'delete', key }, () => state.delete(key, options)),
  };
  const pausedSecrets: SecretStore = {
    get: (key) => secrets.get(key),
    list: (prefix) => secrets.list(prefix),
    set: (key: string, value: Secret | string, options?: WriteOptions) =>
      write({ store: 'secrets', op: 'set', key }, () => secrets.set(key, value, options)),
    delete: (key: string, options?: DeleteOptions) =>
      write({ store: 'secrets', op: 'delete', key }, () => secrets.delete(key, options)),
  };
  return {
    state: pausedState,
    secrets: pausedSecrets,
    /** A's writes from the paused one on (empty when it never paused). */
    afterPause: () => (pausedAt < 0 ? [] : writes.slice(pausedAt)),
    total: () => count,
  };
}

type Phase = 'rotate' | 'finalize';
const GRACE_MS = 3_600_000;

/** A prod token; for `finalize`, already rotated into its grace period, and the grace passed. */
async function ready(flavour: Flavour, phase: Phase, gracePeriodMs: number): Promise<string[]> {
  world = await createWorld({ flavour });
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  const violations = world.watch(NAME, B);
  if (phase === 'finalize') {
    await world.manager({ gracePeriodMs }).rotate(NAME);
    world.advance(gracePeriodMs + 1);
  }
  return violations;
}

/** Holder `m` doing `phase`: `rotate()` throws on failure; `finalize()` reports it in its result. */
async function act(m: RotationManager, phase: Phase): Promise<unknown> {
  if (phase === 'rotate') return m.rotate(NAME).catch((error: unknown) => error);
  const { finalized, failed } = await m.finalize();
  return failed[0]?.error ?? finalized[0];
}

/** The number of store writes of one uninterrupted `phase` (the sweep's range). */
async function writesOf(flavour: Flavour, phase: Phase, gracePeriodMs: number): Promise<number> {
  await ready(flavour, phase, gracePeriodMs);
  const stores = pausingStores(world.state, world.secrets, Number.POSITIVE_INFINITY, async () => {});
  await act(world.manager({ gracePeriodMs, state: stores.state, secrets: stores.secrets }), phase);
  await world.fake.close();
  return stores.total();
}

async function sweep(flavour: Flavour, gracePeriodMs: number, phase: Phase = 'rotate'): Promise<void> {
  const total = await writesOf(flavour, phase, gracePeriodMs);
  expect(total).toBeGreaterThan(phase === 'rotate' ? 8 : 4);
  let takeovers = 0;
  for (let pause = 1; pause <= total; pause++) {
    const violations = await ready(flavour, phase, gracePeriodMs);
    let b: RotationManager | undefined;
    let tookOver = false;
    const stores = pausingStores(world.state, world.secrets, pause, async () => {
      world.advance(LEASE_MS + 1);
      b = world.manager({ gracePeriodMs });
      const { resumed, failed } = await b.resume();
      const { finalized } = phase === 'finalize' ? await b.finalize() : { finalized: [] };
      // A holds the lock from its first write on: before that, B's work is no takeover.
      tookOver = pause > 1 && resumed.length + failed.length + finalized.length > 0;
    });
    const a = world.manager({ gracePeriodMs, state: stores.state, secrets: stores.secrets });
    const outcome = await act(a, phase);
    const where = `${flavour.label}, ${phase}, A paused before its write #${pause}`;
    if (tookOver) {
      takeovers++;
      expect(outcome, where).toBeInstanceOf(RotationError);
      expect((outcome as RotationError).message, where).toMatch(/another process took over its lock/);
      // The journal, the lock and the current entry: every write refused. The pending entry: a
      // write where nothing is cannot be refused by version, so A deletes what it made there
      // (expectCleanEnd below proves no pending entry is left).
      const ref = world.registry.secretRefFor(NAME);
      expect(
        stores.afterPause().filter((w) => w.ok && (w.store === 'state' || w.key === ref)),
        `${where}: A changed the journal, the lock or the current entry after B took over`,
      ).toEqual([]);
    } else {
      // Nothing taken over (A held no lock yet, or there was no journal): A works on its own.
      expect(outcome, where).not.toBeInstanceOf(Error);
    }
    await settle(world, b ?? world.manager({ gracePeriodMs }), gracePeriodMs);
    await expectCleanEnd(world, NAME, B);
    expect(violations, where).toEqual([]);
    await world.fake.close();
  }
  // Most pause points fall after the journal exists: the sweep really exercised takeovers.
  expect(takeovers).toBeGreaterThan(total / 2);
}

/**
 * The window right after a takeover: B has taken the lock (and claimed the journal) and stalls
 * before its next write, while A, paused before its write #k, continues to its end. Without B's
 * claim, A's next journal write would still land, since B has not written the journal yet.
 */
async function claimSweep(flavour: Flavour): Promise<void> {
  const total = await writesOf(flavour, 'rotate', 0);
  let windows = 0;
  for (let pause = 2; pause <= total; pause++) {
    const violations = await ready(flavour, 'rotate', 0);
    let bStalled!: () => void;
    const stalled = new Promise<void>((resolve) => (bStalled = resolve));
    let releaseB!: () => void;
    const released = new Promise<void>((resolve) => (releaseB = resolve));
    // B's writes: the lock, the journal claim, the touched entries (secrets); then it stalls.
    const bStores = pausingStores(
      world.state,
      world.secrets,
      (w, n) => n > 2 && w.store === 'state',
      async () => {
        bStalled();
        await released;
      },
    );
    const b = world.manager({ gracePeriodMs: 0, state: bStores.state, secrets: bStores.secrets });
    let bRun: Promise<unknown> = Promise.resolve();
    const aStores = pausingStores(world.state, world.secrets, pause, async () => {
      world.advance(LEASE_MS + 1);
      bRun = b.resume();
      await Promise.race([stalled, bRun]);
    });
    const a = world.manager({ gracePeriodMs: 0, state: aStores.state, secrets: aStores.secrets });
    const outcome = await act(a, 'rotate');
    releaseB();
    await bRun;
    const where = `${flavour.label}, A paused before its write #${pause}, B stalled after its claim`;
    if (bStores.total() > 2) {
      windows++;
      expect((outcome as RotationError).message, where).toMatch(/another process took over its lock/);
      const ref = world.registry.secretRefFor(NAME);
      expect(
        aStores.afterPause().filter((w) => w.ok && (w.store === 'state' || w.key === ref)),
        `${where}: A wrote after B took over`,
      ).toEqual([]);
    }
    await settle(world, world.manager({ gracePeriodMs: 0 }), 0);
    await expectCleanEnd(world, NAME, B);
    expect(violations, where).toEqual([]);
    await world.fake.close();
  }
  expect(windows).toBeGreaterThan(total / 2);
}

describe('fenced rotation locks', () => {
  it.each(NO_GRACE)('no grace period, $label: a paused holder writes nothing after a takeover', async (f) => {
    await sweep(f, 0);
  });

  it.each(WITH_GRACE)('with a grace period, $label: the same, up to the grace period', async (f) => {
    await sweep(f, GRACE_MS);
  });

  it.each(WITH_GRACE)('with a grace period, $label: the same in finalize', async (f) => {
    await sweep(f, GRACE_MS, 'finalize');
  });

  it.each(NO_GRACE)('$label: a holder that took over claims the journal before anything else', async (f) => {
    await claimSweep(f);
  });

  it('the lock carries a fencing number that grows on every takeover, and the journal records it', async () => {
    world = await createWorld({ flavour: V2 });
    await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
    const fences: (number | undefined)[] = [];
    const fenceOf = async (key: string) =>
      ((await world.state.get(key))?.value as { fence?: number } | undefined)?.fence;
    const stores = pausingStores(world.state, world.secrets, 6, async () => {
      fences.push(await fenceOf(`rotation/lock/${NAME}`));
      expect((await world.manager().status(NAME))?.lock).toMatchObject({ fence: 1, expired: false });
      world.advance(LEASE_MS + 1);
      await world.manager({ gracePeriodMs: 0 }).resume();
      fences.push(await fenceOf(`rotation/journal/${NAME}`));
    });
    await expect(
      world.manager({ gracePeriodMs: 0, state: stores.state, secrets: stores.secrets }).rotate(NAME),
    ).rejects.toThrow(/took over/);
    expect(fences).toEqual([1, 2]);
    expect((await world.manager().status(NAME))?.lock).toBeUndefined(); // released
    // A later rotation's holder starts above every number seen, although the released lock is gone.
    expect(await world.state.get(`rotation/lock/${NAME}`)).toBeUndefined();
    world.advance(LEASE_MS + 1);
    await world.manager({ gracePeriodMs: 0 }).rotate(NAME);
    expect(await fenceOf(`rotation/journal/${NAME}`)).toBe(3);
  });
});
