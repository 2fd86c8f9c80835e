// Lost responses, 429 storms, 5xx and timeouts on each call of a rotation, on v2 and v3 (by
// generations and native).

import type { RotateOptions } from 'edenai-token-manager';
import { RateLimiter, RotationError } from 'edenai-token-manager';
import type { Fault, FaultMatch } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, DAY, type Flavour, NO_GRACE, V2, V3, type World } from './harness.js';
import { expectCleanEnd, settle } from './invariants.js';

const B = 48765;

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

type Phase = 'rotate' | 'finalize';
/** A call of a rotation: its label, the phase it happens in, and where it goes (v3 ids resolved late). */
type Call = [string, Phase, (w: World) => FaultMatch];

/** One backend × rotation method, with each call its rotation makes. */
interface Setup {
  label: string;
  flavour: Flavour;
  graceMs: number;
  /** The v3 native rotation sets a new expiry only when it moves: make it move. */
  rotate: RotateOptions;
  calls: Call[];
}

const OLD = 'prod-web-app';
const NEW = 'prod-web-app--g2';
const get = (name: string) => (w: World) => ({ method: 'GET', path: w.paths.token(name) });
const patch = (name: string) => (w: World) => ({ method: 'PATCH', path: w.paths.token(name) });
const del = (name: string) => (w: World) => ({ method: 'DELETE', path: w.paths.token(name) });
const list = (w: World) => ({ method: 'GET', path: w.paths.list });
const post = (w: World) => ({ method: 'POST', path: w.paths.list });

const SETUPS: Setup[] = [
  {
    label: 'v2, a grace period',
    flavour: V2,
    graceMs: DAY,
    rotate: {},
    calls: [
      ['list (snapshot)', 'rotate', list],
      ['PATCH old (drain)', 'rotate', patch(OLD)],
      ['POST (create)', 'rotate', post],
      ['GET new (read)', 'rotate', get(NEW)],
      ['GET old (leftover)', 'finalize', get(OLD)],
      ['DELETE old', 'finalize', del(OLD)],
      ['GET new (before raise)', 'finalize', get(NEW)],
      ['PATCH new (raise)', 'finalize', patch(NEW)],
    ],
  },
  {
    label: 'v3 by generations, a grace period',
    flavour: V3,
    graceMs: DAY,
    rotate: {},
    calls: [
      ['list (snapshot)', 'rotate', list],
      ['PATCH old (drain)', 'rotate', patch(OLD)],
      ['POST (create, value in the answer)', 'rotate', post],
      ['list (name cache refresh)', 'finalize', list],
      ['GET old (leftover)', 'finalize', get(OLD)],
      ['DELETE old (revoke)', 'finalize', del(OLD)],
      ['GET new (before raise)', 'finalize', get(NEW)],
      ['PATCH new (raise)', 'finalize', patch(NEW)],
    ],
  },
  {
    label: 'v3 native',
    flavour: V3,
    graceMs: 0,
    rotate: { expiresInDays: 60 },
    calls: [
      ['list (snapshot)', 'rotate', list],
      ['POST rotate', 'rotate', (w) => ({ method: 'POST', path: w.paths.rotate(OLD) })],
      ['PATCH (expiry)', 'rotate', patch(OLD)],
    ],
  },
];

type FaultKind = Fault extends infer F ? (F extends unknown ? Omit<F, 'match'> : never) : never;

describe.each(SETUPS)('faults on $label', ({ flavour, graceMs, rotate, calls }) => {
  const live = flavour.api === 'v3' && graceMs === 0 ? OLD : NEW;

  async function run(fault: FaultKind, call: Call[2], phase: Phase, maxRetries: number) {
    world = await createWorld({ flavour, client: { maxRetries } });
    await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
    const violations = world.watch(OLD, B);
    const manager = world.manager({ gracePeriodMs: graceMs });
    const errors: unknown[] = [];
    if (phase === 'rotate') world.fake.inject({ ...fault, match: call(world) } as Fault);
    await manager.rotate(OLD, rotate).catch((e) => errors.push(e));
    if (phase === 'finalize') {
      world.fake.inject({ ...fault, match: call(world) } as Fault);
      world.advance(DAY);
      const { failed } = await manager.finalize();
      errors.push(...failed.map((f) => f.error));
    }
    await settle(world, manager, graceMs);
    // A failed snapshot (before anything was written) leaves nothing to resume: rotate again.
    if ((await manager.status(OLD))?.status !== 'completed') {
      await manager.rotate(OLD, rotate);
      await settle(world, manager, graceMs);
    }
    expect((await manager.status(OLD))?.status).toBe('completed');
    expect(await expectCleanEnd(world, OLD, B)).toBe(live);
    expect(violations).toEqual([]);
    // The fault did hit the call it was aimed at.
    expect(world.fake.requests.some((r) => r.fault === fault.kind)).toBe(true);
    for (const e of errors) {
      if (e instanceof RotationError) expect(e.resumable).toBe(true);
    }
    return errors;
  }

  describe('a response lost after the server applied the change', () => {
    it.each(calls)('on %s: the client reconciles it', async (_label, phase, call) => {
      const errors = await run({ kind: 'lostResponse' }, call, phase, 2);
      expect(errors).toEqual([]);
    });

    it.each(calls)(
      'on %s without client retries: the rotation pauses and resume() finishes it',
      async (_l, phase, call) => {
        const errors = await run({ kind: 'lostResponse' }, call, phase, 0);
        expect(errors).toHaveLength(1);
      },
    );
  });

  describe('5xx answers and dropped connections', () => {
    it.each(calls)('one 503 on %s is retried by the client', async (_label, phase, call) => {
      expect(await run({ kind: 'status', status: 503 }, call, phase, 2)).toEqual([]);
    });

    it.each(calls)(
      'a 500 storm on %s pauses the rotation; resume() finishes it',
      async (_label, phase, call) => {
        const errors = await run({ kind: 'status', status: 500, times: 3 }, call, phase, 2);
        expect(errors).toHaveLength(1);
      },
    );

    it.each(calls)(
      'an HTML error page on %s pauses the rotation; resume() finishes it',
      async (_l, phase, call) => {
        const errors = await run({ kind: 'html', status: 502, times: 3 }, call, phase, 2);
        expect(errors).toHaveLength(1);
      },
    );

    it.each(calls)('a dropped connection on %s is retried', async (_label, phase, call) => {
      expect(await run({ kind: 'drop' }, call, phase, 2)).toEqual([]);
    });
  });

  describe('timeouts', () => {
    it.each(calls)(
      'a slow answer on %s times out, is retried, and the rotation completes',
      async (_l, phase, call) => {
        const errors = await runSlow(call, phase);
        expect(errors).toEqual([]);
      },
    );

    async function runSlow(call: Call[2], phase: Phase) {
      world = await createWorld({ flavour, client: { timeoutMs: 15, maxRetries: 2 } });
      await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
      const violations = world.watch(OLD, B);
      const manager = world.manager({ gracePeriodMs: graceMs });
      const errors: unknown[] = [];
      if (phase === 'rotate') world.fake.inject({ kind: 'latency', ms: 60, match: call(world) });
      await manager.rotate(OLD, rotate).catch((e) => errors.push(e));
      if (phase === 'finalize') world.fake.inject({ kind: 'latency', ms: 60, match: call(world) });
      world.advance(DAY);
      const { failed } = await manager.finalize();
      errors.push(...failed.map((f) => f.error));
      await settle(world, manager, graceMs);
      expect(await expectCleanEnd(world, OLD, B)).toBe(live);
      expect(violations).toEqual([]);
      expect(world.fake.requests.some((r) => r.fault === 'latency')).toBe(true);
      return errors;
    }
  });
});

describe.each(NO_GRACE)('429 answers on $label', (flavour) => {
  it('a 429 storm with Retry-After is waited out through the injected retryDelay (no real waiting)', async () => {
    const slept: number[] = [];
    world = await createWorld({
      flavour,
      client: {
        maxRetries: 3,
        // Records the wait the policy asked for; ky then waits 0 ms.
        retryDelay: (_attempt, retryAfterMs) => {
          slept.push(retryAfterMs ?? 0);
          return 0;
        },
      },
    });
    await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
    world.fake.inject({ kind: 'rateLimit', retryAfterSeconds: 3, times: 3 });
    world.fake.inject({ kind: 'rateLimit', retryAfterSeconds: 2, times: 3, match: { method: 'POST' } });
    const result = await world.manager({ gracePeriodMs: 0 }).rotate('prod-web-app');
    expect(result.status).toBe('completed');
    expect(slept).toEqual([3000, 3000, 3000, 2000, 2000, 2000]);
    expect(world.fake.requests.filter((r) => r.status === 429)).toHaveLength(6);
    await expectCleanEnd(world, 'prod-web-app', B);
  });

  it('a client paced below the server limit gets no 429 at all in a bulk run', async () => {
    // The fake counts requests per 1000 ms of its (injected) clock; the limiter paces on the same
    // clock and "sleeps" by advancing it.
    let world2: World | undefined;
    const limiter = new RateLimiter({
      perSecond: 3,
      marginMs: 0,
      now: () => world2!.clock().getTime(),
      sleep: async (ms) => world2!.advance(ms),
    });
    world = await createWorld({
      flavour,
      fake: { rateLimit: { perSecond: 3 } },
      client: { rateLimiter: limiter },
    });
    world2 = world;
    for (const app of ['a', 'b', 'c', 'd', 'e']) {
      await world.registry.create({ environment: 'staging', app, expiresInDays: 2 });
    }
    world.fake.resetRequestLog();
    const run = await world.manager({ gracePeriodMs: 0 }).rotateExpiring({ withinDays: 7 });
    expect(run.failed).toEqual([]);
    expect(run.rotated).toHaveLength(5);
    expect(world.fake.requests.filter((r) => r.status === 429)).toEqual([]);
    // One list, then per token: drain, create, read (v2) or check before revoke (v3), delete; or
    // natively: rotate and the new expiry. v3 by generations: the create's PATCH removing its
    // one-time creation marker too.
    const v3 = world.fake.requests[0]!.path.startsWith('/v3/');
    expect(world.fake.requests).toHaveLength(1 + 5 * (world.native(0) ? 2 : v3 ? 5 : 4));
  });
});
