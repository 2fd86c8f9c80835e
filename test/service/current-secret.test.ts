// CurrentSecret across a real rotation on the fake: services calling Eden every 100 ms (on the
// injected clock) through rotate, the grace period and finalize never fail a call — one follows
// the rotation by polling the store, the other only when Eden answers 401 to the revoked value.
import { CurrentSecret, MemorySecretStore, type Secret } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, type Fleet, openFleet } from '../helpers/fleet.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

/** An Eden call with `secret` as the bearer: 401 unless it is a live token's value. */
function edenCall(f: Fleet) {
  return async (secret: Secret): Promise<string> => {
    const live = f.fake.tokens().some((t) => f.fake.tokenValue(t.name) === secret.reveal());
    if (!live) throw Object.assign(new Error('Unauthorized'), { status: 401 });
    return 'ok';
  };
}

describe('CurrentSecret', () => {
  it('serves every call through a rotation, its grace period and finalize', async () => {
    const f = await openFleet();
    fleet = f;
    await f.registry.create({ environment: 'prod', app: 'web-app', budget: 500, expiresInDays: 60 });
    const key = f.registry.secretRefFor('prod-web-app');
    const polling = new CurrentSecret({
      secrets: f.registry.secrets,
      key,
      refreshEveryMs: 60_000,
      clock: f.clock,
    });
    const on401 = new CurrentSecret({
      secrets: f.registry.secrets,
      key,
      refreshEveryMs: 30 * DAY,
      clock: f.clock,
    });
    const call = edenCall(f);
    const stats = { calls: 0, failures: 0 };
    let stop = false;
    const service = async (stepMs: () => number) => {
      while (!stop) {
        for (const s of [polling, on401]) {
          try {
            expect(await s.use(call)).toBe('ok');
          } catch {
            stats.failures++;
          }
          stats.calls++;
        }
        f.clock.now = new Date(f.clock.now.getTime() + stepMs());
        await new Promise((resolve) => setImmediate(resolve)); // let the rotation's steps interleave
      }
    };

    let step = 100;
    const running = service(() => step);
    while (stats.calls < 10) await new Promise((r) => setImmediate(r));
    const before = on401.version;
    expect(before).toBeDefined();
    const rotated = await f.rotation.rotate('prod-web-app');
    expect(rotated.status).toBe('grace');
    step = DAY / 100; // through the grace period in 100 ticks
    while (f.clock.now.getTime() < rotated.graceEndsAt!.getTime() + 60_000)
      await new Promise((r) => setImmediate(r));
    step = 100;
    // The polling service moved to the new value during the grace period; the other still holds the old one.
    expect(polling.version).not.toBe(before);
    expect(on401.version).toBe(before);
    const { finalized } = await f.rotation.finalize();
    expect(finalized.map((r) => r.name)).toEqual(['prod-web-app']);
    const after = stats.calls;
    while (stats.calls < after + 20) await new Promise((r) => setImmediate(r));
    stop = true;
    await running;

    expect(stats.failures).toBe(0);
    expect(stats.calls).toBeGreaterThan(200);
    expect(on401.version).not.toBe(before); // followed through the 401
    expect(f.fake.tokens().map((t) => t.name)).toEqual(['prod-web-app--g2']);
  });

  it('rethrows a 401 when the store holds no newer value, and other errors as they are', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('edenai/x', 'sk-value');
    const s = new CurrentSecret({ secrets, key: 'edenai/x' });
    const unauthorized = Object.assign(new Error('Unauthorized'), { status: 401 });
    let attempts = 0;
    await expect(
      s.use(async () => {
        attempts++;
        throw unauthorized;
      }),
    ).rejects.toBe(unauthorized);
    expect(attempts).toBe(1);
    await expect(s.use(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('shares one store read between concurrent callers, and names a missing entry', async () => {
    let reads = 0;
    const store = new MemorySecretStore();
    await store.set('edenai/x', 'sk-value');
    const secrets = {
      get: (key: string) => {
        reads++;
        return store.get(key);
      },
    };
    const s = new CurrentSecret({ secrets, key: 'edenai/x' });
    await Promise.all([s.get(), s.get(), s.refresh()]);
    expect(reads).toBe(1);
    await expect(new CurrentSecret({ secrets, key: 'edenai/none' }).get()).rejects.toThrow(
      /no entry "edenai\/none"/,
    );
  });
});
