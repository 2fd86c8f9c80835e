// Native rotation on the v3 Management API: same key, new value, the old value dead at once. The
// value is written to the current entry before anything else; nothing can be rolled back.
import { inspect } from 'node:util';
import type { ResumeResult, Secret, SecretStore, StateStore } from 'edenai-token-manager';
import { ConfigurationError, RotationError, RotationManager } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, createWorld, DAY, START, V2, V3, V3_GENERATIONS, type World } from './harness.js';
import { expectCleanEnd, LEASE_MS, settle } from './invariants.js';

const B = 48765;
const NAME = 'prod-web-app';
const REF = 'edenai/prod-web-app';

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

async function prodToken(options: Parameters<typeof createWorld>[0] = {}) {
  world = await createWorld({ flavour: V3, ...options });
  await world.registry.create({ environment: 'prod', app: 'web-app', budget: B / 100 });
  return world.watch(NAME, B);
}

/** A SecretStore over the world's that runs `before` ahead of each write. */
function secretsWith(before: (key: string) => Promise<void> | void): SecretStore {
  const inner = world.secrets;
  return {
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    delete: (key, options) => inner.delete(key, options),
    set: async (key: string, value: Secret | string, options) => {
      await before(key);
      return inner.set(key, value, options);
    },
  };
}

describe('a native rotation (v3, gracePeriodMs: 0)', () => {
  it('journals its intent, reads the entry version, rotates, and stores the value before anything else', async () => {
    const violations = await prodToken();
    const log: string[] = [];
    const state: StateStore = {
      get: (k) => world.state.get(k),
      list: (p) => world.state.list(p),
      delete: async (k, o) => {
        log.push(`state.delete ${k}`);
        return world.state.delete(k, o);
      },
      set: async (k, v, o) => {
        const j = v as { step?: string; stepState?: string };
        log.push(k.includes('journal') ? `journal ${j.step} ${j.stepState}` : `state.set ${k}`);
        return world.state.set(k, v, o);
      },
    };
    const secrets: SecretStore = {
      ...secretsWith((key) => void log.push(`secrets.set ${key}`)),
      get: async (key) => {
        log.push(`secrets.get ${key}`);
        return world.secrets.get(key);
      },
    };
    world.afterRequest.push(async () => {
      const r = world.fake.requests.at(-1)!;
      if (r.method !== 'GET') log.push(`${r.method} ${r.path.endsWith('/rotate/') ? 'rotate' : r.path}`);
    });
    await new RotationManager({ registry: world.registry, state, secrets, gracePeriodMs: 0 }).rotate(NAME);
    const at = log.indexOf('POST rotate');
    expect(log.slice(at - 7, at + 3)).toEqual([
      'state.set rotation/lock/prod-web-app', // renewed
      'journal rotate started', // intent, before the call
      `secrets.get ${REF}.pending`, // the write check: its version, then the fence
      'state.set rotation/lock/prod-web-app',
      `secrets.set ${REF}.pending`, // (a store that cannot write stops here)
      'state.set rotation/lock/prod-web-app', // fenced again before the call to Eden
      `secrets.get ${REF}`, // the version the write will compare against
      'POST rotate',
      'state.set rotation/lock/prod-web-app', // the fence: a holder that lost its lock stores nothing
      `secrets.set ${REF}`, // first thing after it
    ]);
    // No pending entry: the value goes to the current entry (the write check's entry is deleted).
    expect(log.filter((l) => l.startsWith('secrets.set'))).toEqual([
      `secrets.set ${REF}.pending`,
      `secrets.set ${REF}`,
    ]);
    expect(await expectCleanEnd(world, NAME, B)).toBe(NAME);
    expect(violations).toEqual([]);
  });

  it('emits its steps, cites no value anywhere, and tells services the old value is dead', async () => {
    await prodToken();
    const oldValue = world.fake.tokenValue(NAME)!;
    const logger = captureLogger();
    const manager = world.manager({ gracePeriodMs: 0, logger });
    const seen: string[] = [];
    const payloads: unknown[] = [];
    manager.on('rotation.started', (e) => payloads.push(e) && seen.push('started'));
    manager.on('rotation.step', (e) => payloads.push(e) && seen.push(e.step));
    manager.on('rotation.succeeded', (e) => payloads.push(e) && seen.push(`succeeded:${e.status}`));
    const result = await manager.rotate(NAME, { expiresInDays: 60 });
    expect(seen).toEqual(['started', 'snapshot', 'rotate', 'verify', 'finish', 'succeeded:completed']);
    const newValue = world.fake.tokenValue(NAME)!;
    expect(newValue).not.toBe(oldValue);
    const fingerprint = (await world.secrets.get(REF))!.value.fingerprint;
    expect(result.migrationSteps).toEqual([
      `Reload the secret at ${REF} (fingerprint ${fingerprint}) in services using ${NAME}: ${NAME} (same key) has a new value.`,
      `The old value of ${NAME} stopped working at once (native rotation has no grace period): services still using it get 401 errors until they reload.`,
      `Budget unchanged: ${NAME} keeps its balance (same key; nothing was split or moved).`,
      `${NAME} expires at ${new Date(START.getTime() + 60 * DAY).toISOString()}.`,
    ]);
    expect(world.generations(NAME)[0]).toMatchObject({ balance: 487.65, balanceResetPeriod: 'monthly' });
    const status = await manager.status(NAME);
    expect(status).toMatchObject({ mode: 'native', status: 'completed', step: 'finish', allowance: 0 });
    const everything = [
      JSON.stringify(result),
      inspect(result, { depth: 10 }),
      JSON.stringify(payloads),
      JSON.stringify(status),
      JSON.stringify(await world.state.get(`rotation/journal/${NAME}`)),
      JSON.stringify(manager),
      inspect(manager, { depth: 10 }),
      ...logger.lines,
    ].join('\n');
    for (const secret of [newValue, oldValue, world.fake.managementKey])
      expect(everything).not.toContain(secret);
  });

  it('a refused verify is reported, not rolled back: the new value stays stored', async () => {
    const violations = await prodToken();
    const manager = world.manager({ gracePeriodMs: 0, verify: () => false });
    const failed: unknown[] = [];
    manager.on('rotation.failed', (e) => failed.push(e));
    const error = (await manager.rotate(NAME).catch((e: unknown) => e)) as RotationError;
    expect(error).toBeInstanceOf(RotationError);
    expect(error).toMatchObject({ step: 'verify', resumable: false });
    expect(error.message).toMatch(/verify returned false\. Not rolled back .*stored at edenai\/prod-web-app/);
    expect(failed).toEqual([
      expect.objectContaining({ step: 'verify', rolledBack: false, resumable: false }),
    ]);
    expect(await manager.status(NAME)).toMatchObject({
      status: 'completed',
      error: { step: 'verify', resumable: false },
    });
    expect(await manager.failures()).toEqual([
      expect.objectContaining({ name: NAME, step: 'verify', message: 'verify returned false' }),
    ]);
    expect(await expectCleanEnd(world, NAME, B)).toBe(NAME);
    // Nothing to resume or finalize; a new rotation clears the report.
    world.fake.resetRequestLog();
    expect(await manager.resume()).toEqual({ resumed: [], failed: [], skipped: [] });
    expect((await manager.finalize()).finalized).toEqual([]);
    expect(world.fake.requests).toEqual([]);
    await world.manager({ gracePeriodMs: 0 }).rotate(NAME);
    expect(await manager.failures()).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('a throwing verify never carries the value into the report', async () => {
    await prodToken();
    const manager = world.manager({
      gracePeriodMs: 0,
      verify: ({ secret }) => {
        throw new Error(`401 with ${secret.reveal()}`);
      },
    });
    const error = (await manager.rotate(NAME).catch((e: unknown) => e)) as RotationError;
    expect(error.message).toMatch(/verify threw: 401 with \[secret fp:[0-9a-f]{8}\]/);
    const value = world.fake.tokenValue(NAME)!;
    expect(
      JSON.stringify([error.message, await manager.status(NAME), await manager.failures()]),
    ).not.toContain(value);
  });

  it('a definitive refusal of the rotate changes nothing', async () => {
    const violations = await prodToken();
    const oldValue = world.fake.tokenValue(NAME);
    world.fake.inject({
      kind: 'status',
      status: 403,
      match: { method: 'POST', path: world.paths.rotate(NAME) },
    });
    const manager = world.manager({ gracePeriodMs: 0 });
    const error = (await manager.rotate(NAME).catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'rotate', resumable: false });
    expect(error.message).toMatch(/Nothing changed: prod-web-app keeps its current value/);
    expect(world.fake.tokenValue(NAME)).toBe(oldValue);
    expect(await manager.status(NAME)).toMatchObject({ status: 'rolledBack', error: { step: 'rotate' } });
    expect(await manager.failures()).toEqual([expect.objectContaining({ step: 'rotate' })]);
    expect(await expectCleanEnd(world, NAME, B)).toBe(NAME);
    expect(violations).toEqual([]);
  });

  it('a lost rotate answer pauses (the stored value may be dead); resume() rotates again', async () => {
    const violations = await prodToken({ client: { maxRetries: 0 } });
    world.fake.inject({ kind: 'lostResponse', match: { method: 'POST', path: world.paths.rotate(NAME) } });
    const manager = world.manager({ gracePeriodMs: 0 });
    const error = (await manager.rotate(NAME).catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'rotate', resumable: true });
    expect(error.message).toMatch(/may hold a dead value until resume\(\) rotates prod-web-app again/);
    // The rotate landed: the entry's value is dead until the rotation is resumed.
    expect(await world.current(NAME)).toEqual({ tokenName: NAME, valueMatches: false });
    expect(await manager.failures()).toEqual([expect.objectContaining({ step: 'rotate' })]);
    world.fake.resetRequestLog();
    await settle(world, manager, 0); // resumes twice: the second does nothing
    // The name → id cache is older than a minute by now: one list, then the rotate.
    expect(world.requestLines()).toEqual([
      'GET /v3/manage/keys/',
      'POST /v3/manage/keys/{prod-web-app}/rotate/',
    ]);
    expect(await expectCleanEnd(world, NAME, B)).toBe(NAME);
    expect(await manager.failures()).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('after a lost rotate answer, a definitive error keeps the rotation resumable (only a rotate can help)', async () => {
    await prodToken({ client: { maxRetries: 0 } });
    const rotatePath = world.paths.rotate(NAME);
    world.fake.inject({ kind: 'lostResponse', match: { method: 'POST', path: rotatePath } });
    const manager = world.manager({ gracePeriodMs: 0 });
    await expect(manager.rotate(NAME)).rejects.toMatchObject({ step: 'rotate', resumable: true });
    world.fake.inject({ kind: 'status', status: 403, match: { method: 'POST', path: rotatePath } });
    const first = await manager.resume();
    expect(first.failed).toEqual([
      { name: NAME, error: expect.objectContaining({ step: 'rotate', resumable: true }) },
    ]);
    expect((await manager.status(NAME))?.status).toBe('failed');
    const second = await manager.resume();
    expect(second.resumed).toEqual([expect.objectContaining({ status: 'completed', mode: 'native' })]);
    expect(await expectCleanEnd(world, NAME, B)).toBe(NAME);
  });

  it('a SecretStore that fails the write after the rotate: paused, and resume() rotates again', async () => {
    const violations = await prodToken();
    let failNext = true;
    const secrets = secretsWith((key) => {
      if (key === REF && failNext) {
        failNext = false;
        throw new Error('vault unavailable');
      }
    });
    const manager = world.manager({ gracePeriodMs: 0, secrets });
    const error = (await manager.rotate(NAME).catch((e: unknown) => e)) as RotationError;
    expect(error).toMatchObject({ step: 'rotate', resumable: true });
    expect(error.message).toMatch(/vault unavailable/);
    expect(await world.current(NAME)).toEqual({ tokenName: NAME, valueMatches: false });
    await settle(world, manager, 0);
    expect(world.fake.requests.filter((r) => r.path.endsWith('/rotate/'))).toHaveLength(2);
    expect(await expectCleanEnd(world, NAME, B)).toBe(NAME);
    expect(violations).toEqual([]);
  });

  it('an abort before the rotate pauses; resume() continues it', async () => {
    await prodToken();
    const controller = new AbortController();
    const manager = world.manager({ gracePeriodMs: 0 });
    manager.on('rotation.step', (e) => {
      if (e.step === 'snapshot') controller.abort(new Error('shutting down'));
    });
    await expect(manager.rotate(NAME, { signal: controller.signal })).rejects.toMatchObject({
      step: 'rotate',
      resumable: true,
    });
    expect(world.fake.requests.filter((r) => r.path.endsWith('/rotate/'))).toEqual([]);
    const { resumed } = await manager.resume();
    expect(resumed).toEqual([expect.objectContaining({ status: 'completed' })]);
    expect(await expectCleanEnd(world, NAME, B)).toBe(NAME);
  });

  it('a stalled holder that stores a value the new holder’s rotate killed: the live value wins', async () => {
    // A (slow) rotates, stalls past its lease; B takes over, reads the entry and rotates again; A
    // then writes its dead value before B's answer arrives. B's compare-and-set fails; the key's
    // displayed tail shows B's value is the live one, so B stores it.
    const violations = await prodToken();
    let bRotated!: () => void;
    const bRotatedP = new Promise<void>((resolve) => {
      bRotated = resolve;
    });
    let aWrote!: () => void;
    const aWroteP = new Promise<void>((resolve) => {
      aWrote = resolve;
    });
    const slowSecrets: SecretStore = {
      ...secretsWith(() => {}),
      set: async (key, value, options) => {
        try {
          return await world.secrets.set(key, value, options);
        } finally {
          aWrote();
        }
      },
    };
    const slow = world.manager({ gracePeriodMs: 0, lockLeaseMs: 60_000, secrets: slowSecrets });
    const fast = world.manager({ gracePeriodMs: 0, lockLeaseMs: 60_000 });
    let rotates = 0;
    let taken: Promise<ResumeResult> | undefined;
    world.afterRequest.push(async () => {
      if (!world.fake.requests.at(-1)?.path.endsWith('/rotate/')) return;
      rotates++;
      if (rotates === 1) {
        world.advance(60_001);
        taken = fast.resume();
        await bRotatedP;
      } else if (rotates === 2) {
        bRotated();
        await aWroteP;
      }
    });
    const error = (await slow.rotate(NAME).catch((e: unknown) => e)) as RotationError;
    expect(error).toBeInstanceOf(RotationError);
    expect(error.message).toMatch(/another process took over its lock/);
    expect((await taken!).resumed).toEqual([expect.objectContaining({ status: 'completed' })]);
    expect(rotates).toBe(2);
    expect(await expectCleanEnd(world, NAME, B)).toBe(NAME);
    expect(violations).toEqual([]);
  });
});

describe('choosing the rotation method', () => {
  it('`native` is validated at construction', async () => {
    world = await createWorld({ flavour: V3 });
    const { registry, state } = world;
    const make = (extra: object) => () => new RotationManager({ registry, state, ...extra });
    expect(make({ native: 'sometimes' })).toThrow(ConfigurationError);
    expect(make({ native: 'always', gracePeriodMs: 1000 })).toThrow(/no grace period/);
    expect(make({ native: 'always', gracePeriodMs: 0 })).not.toThrow();
    expect(make({ native: 'never' })).not.toThrow();
    const v2 = await createWorld({ flavour: V2 });
    expect(() => new RotationManager({ registry: v2.registry, state, native: 'always' })).toThrow(
      /needs a backend with a native rotate/,
    );
    await v2.fake.close();
  });

  it.each([
    ['auto, a grace period', 'generation', {}],
    ['auto, gracePeriodMs: 0', 'native', { gracePeriodMs: 0 }],
    ['never, gracePeriodMs: 0', 'generation', { gracePeriodMs: 0, native: 'never' }],
    ['always (no grace period by default)', 'native', { native: 'always' }],
  ] as const)('%s: %s', async (_label, mode, options) => {
    world = await createWorld({ flavour: V3 });
    await world.registry.create({ environment: 'staging', app: 'web' });
    const result = await world.manager(options).rotate('staging-web');
    expect(result.mode).toBe(mode);
    expect(result.newTokenName).toBe(mode === 'native' ? 'staging-web' : 'staging-web--g2');
  });

  it('v2 has no native rotate: gracePeriodMs: 0 rotates by generations', async () => {
    world = await createWorld({ flavour: V2 });
    await world.registry.create({ environment: 'staging', app: 'web' });
    expect(await world.manager({ gracePeriodMs: 0 }).rotate('staging-web')).toMatchObject({
      mode: 'generation',
      newTokenName: 'staging-web--g2',
    });
  });
});

describe('v3 by generations, a crash that lost the create answer', () => {
  it('resume() rotates the unused new generation for a value instead of recreating it', async () => {
    const violations = await prodToken({ flavour: V3_GENERATIONS });
    const kill = world.arm();
    world.afterRequest.push(async () => {
      const r = world.fake.requests.at(-1)!;
      // Die as the create is answered: its one-time value is lost with the process.
      if (r.method === 'POST' && r.path === '/v3/manage/keys/' && !kill.dead) kill.limit = kill.effects + 1;
    });
    const dying = world.manager({ gracePeriodMs: 0 }, kill);
    await expect(dying.rotate(NAME)).rejects.toThrow();
    expect(world.generations(NAME).map((t) => t.name)).toEqual([NAME, `${NAME}--g2`]);
    world.arm();
    world.advance(LEASE_MS);
    world.fake.resetRequestLog();
    const manager = world.manager({ gracePeriodMs: 0 });
    const { resumed } = await manager.resume();
    expect(resumed).toEqual([expect.objectContaining({ status: 'completed', newTokenName: `${NAME}--g2` })]);
    expect(world.requestLines().filter((l) => !l.startsWith('GET'))).toEqual([
      'POST /v3/manage/keys/{prod-web-app--g2}/rotate/',
      'DELETE /v3/manage/keys/{prod-web-app}/',
    ]);
    expect(await expectCleanEnd(world, NAME, B)).toBe(`${NAME}--g2`);
    expect(violations).toEqual([]);
  });
});
