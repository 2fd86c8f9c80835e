// Lost responses, 429 storms, 5xx and timeouts on each call of a rotation.
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/client/rate-limiter.js';
import { RotationError } from '../../src/core/errors.js';
import type { Fault } from '../../src/testing/fake/types.js';
import { createWorld, DAY, type World } from './harness.js';
import { expectCleanEnd, settle } from './invariants.js';

const B = 48765;
const OLD = '/user/custom_token/prod-web-app/';
const NEW = '/user/custom_token/prod-web-app--g2/';
const LIST = '/user/custom_token/';

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

type Phase = 'rotate' | 'finalize';
/** Each call of a rotation with a grace period, and the phase it happens in. */
const CALLS: [string, Phase, Fault['match']][] = [
  ['list (snapshot)', 'rotate', { method: 'GET', path: LIST }],
  ['PATCH old (drain)', 'rotate', { method: 'PATCH', path: OLD }],
  ['POST (create)', 'rotate', { method: 'POST', path: LIST }],
  ['GET new (read)', 'rotate', { method: 'GET', path: NEW }],
  ['GET old (leftover)', 'finalize', { method: 'GET', path: OLD }],
  ['DELETE old', 'finalize', { method: 'DELETE', path: OLD }],
  ['GET new (before raise)', 'finalize', { method: 'GET', path: NEW }],
  ['PATCH new (raise)', 'finalize', { method: 'PATCH', path: NEW }],
];

type FaultKind = Fault extends infer F ? (F extends unknown ? Omit<F, 'match'> : never) : never;

async function run(fault: FaultKind, match: Fault['match'], phase: Phase, maxRetries: number) {
  world = await createWorld({ client: { maxRetries } });
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  const violations = world.watch('prod-web-app', B);
  const manager = world.manager({ gracePeriodMs: DAY });
  const errors: unknown[] = [];
  if (phase === 'rotate') world.fake.inject({ ...fault, match } as Fault);
  await manager.rotate('prod-web-app').catch((e) => errors.push(e));
  if (phase === 'finalize') {
    world.fake.inject({ ...fault, match } as Fault);
    world.advance(DAY);
    const { failed } = await manager.finalize();
    errors.push(...failed.map((f) => f.error));
  }
  await settle(world, manager, DAY);
  // A failed snapshot (before anything was written) leaves nothing to resume: rotate again.
  if ((await manager.status('prod-web-app'))?.status !== 'completed') {
    await manager.rotate('prod-web-app');
    await settle(world, manager, DAY);
  }
  expect((await manager.status('prod-web-app'))?.status).toBe('completed');
  expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
  expect(violations).toEqual([]);
  // The fault did hit the call it was aimed at.
  expect(world.fake.requests.some((r) => r.fault === fault.kind)).toBe(true);
  for (const e of errors) {
    if (e instanceof RotationError) expect(e.resumable).toBe(true);
  }
  return errors;
}

describe('a response lost after the server applied the change', () => {
  it.each(CALLS)('on %s: the client reconciles it', async (_label, phase, match) => {
    const errors = await run({ kind: 'lostResponse' }, match, phase, 2);
    expect(errors).toEqual([]);
  });

  it.each(CALLS)(
    'on %s without client retries: the rotation pauses and resume() finishes it',
    async (_l, phase, match) => {
      const errors = await run({ kind: 'lostResponse' }, match, phase, 0);
      expect(errors).toHaveLength(1);
    },
  );
});

describe('5xx answers and dropped connections', () => {
  it.each(CALLS)('one 503 on %s is retried by the client', async (_label, phase, match) => {
    expect(await run({ kind: 'status', status: 503 }, match, phase, 2)).toEqual([]);
  });

  it.each(CALLS)(
    'a 500 storm on %s pauses the rotation; resume() finishes it',
    async (_label, phase, match) => {
      const errors = await run({ kind: 'status', status: 500, times: 3 }, match, phase, 2);
      expect(errors).toHaveLength(1);
    },
  );

  it.each(CALLS)(
    'an HTML error page on %s pauses the rotation; resume() finishes it',
    async (_l, phase, match) => {
      const errors = await run({ kind: 'html', status: 502, times: 3 }, match, phase, 2);
      expect(errors).toHaveLength(1);
    },
  );

  it.each(CALLS)('a dropped connection on %s is retried', async (_label, phase, match) => {
    expect(await run({ kind: 'drop' }, match, phase, 2)).toEqual([]);
  });
});

describe('timeouts', () => {
  it.each(CALLS)(
    'a slow answer on %s times out, is retried, and the rotation completes',
    async (_l, phase, match) => {
      const errors = await runSlow(match, phase);
      expect(errors).toEqual([]);
    },
  );

  async function runSlow(match: Fault['match'], phase: Phase) {
    world = await createWorld({ client: { timeoutMs: 15, maxRetries: 2 } });
    await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
    const violations = world.watch('prod-web-app', B);
    const manager = world.manager({ gracePeriodMs: DAY });
    const errors: unknown[] = [];
    const slow: Fault = { kind: 'latency', ms: 60, match };
    if (phase === 'rotate') world.fake.inject(slow);
    await manager.rotate('prod-web-app').catch((e) => errors.push(e));
    if (phase === 'finalize') world.fake.inject(slow);
    world.advance(DAY);
    const { failed } = await manager.finalize();
    errors.push(...failed.map((f) => f.error));
    await settle(world, manager, DAY);
    expect(await expectCleanEnd(world, 'prod-web-app', B)).toBe('prod-web-app--g2');
    expect(violations).toEqual([]);
    expect(world.fake.requests.some((r) => r.fault === 'latency')).toBe(true);
    return errors;
  }
});

describe('429 answers', () => {
  it('a 429 storm with Retry-After is waited out through the injected sleep (no real waiting)', async () => {
    const slept: number[] = [];
    world = await createWorld({
      client: {
        maxRetries: 3,
        retryDelay: (_attempt, retryAfterMs) => retryAfterMs ?? 0,
        sleep: async (ms) => {
          slept.push(ms);
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
    world = await createWorld({ fake: { rateLimit: { perSecond: 3 } }, client: { rateLimiter: limiter } });
    world2 = world;
    for (const app of ['a', 'b', 'c', 'd', 'e']) {
      await world.registry.create({ environment: 'staging', app, expiresInDays: 2 });
    }
    world.fake.resetRequestLog();
    const run = await world.manager({ gracePeriodMs: 0 }).rotateExpiring({ withinDays: 7 });
    expect(run.failed).toEqual([]);
    expect(run.rotated).toHaveLength(5);
    expect(world.fake.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(world.fake.requests).toHaveLength(1 + 5 * 4);
  });
});
