import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureLogger,
  createWorld,
  DAY,
  HOUR,
  NO_GRACE,
  START,
  V2,
  V3,
  V3_GENERATIONS,
  WITH_GRACE,
  type World,
} from './harness.js';

let world: World;
afterEach(async () => {
  await world?.fake.close();
});

describe.each(WITH_GRACE)('rotate() with a grace period on $label', (flavour) => {
  it('splits the budget to the cent, promotes the new generation and keeps the old one for the grace period', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'prod', app: 'web-app', budget: 487.65 });
    const oldValue = world.fake.tokenValue('prod-web-app')!;
    const violations = world.watch('prod-web-app', 48765);
    const manager = world.manager({ gracePeriodMs: 24 * HOUR });

    const result = await manager.rotate('prod-web-app');

    expect(result).toMatchObject({
      name: 'prod-web-app',
      oldTokenName: 'prod-web-app',
      newTokenName: 'prod-web-app--g2',
      generation: 2,
      status: 'grace',
      graceEndsAt: new Date(START.getTime() + 24 * HOUR),
    });
    const [oldGen, newGen] = world.generations('prod-web-app');
    // 10 % of 487.65 rounded down to cents = 48.76; the new one gets the rest.
    expect(oldGen).toMatchObject({
      name: 'prod-web-app',
      balance: 48.76,
      activeBalance: true,
      balanceResetPeriod: 'none',
    });
    expect(newGen).toMatchObject({
      name: 'prod-web-app--g2',
      balance: 438.89,
      activeBalance: true,
      balanceResetPeriod: 'monthly',
      balanceResetAmount: 487.65,
    });
    expect(newGen!.expireTime).toEqual(new Date(START.getTime() + 90 * DAY));
    expect(await world.current('prod-web-app')).toEqual({
      tokenName: 'prod-web-app--g2',
      valueMatches: true,
    });
    expect(await world.pendingKeys()).toEqual([]);
    expect(violations).toEqual([]);
    expect(world.fake.tokenValue('prod-web-app')).toBe(oldValue);

    // Spending on both during the grace period.
    expect(world.fake.simulateUsage({ token: 'prod-web-app', cost: 10 })).toEqual({ ok: true });
    expect(world.fake.simulateUsage({ token: 'prod-web-app--g2', cost: 100 })).toEqual({ ok: true });

    // Not due yet: finalize does nothing.
    world.advance(23 * HOUR);
    const early = await manager.finalize();
    expect(early.finalized).toEqual([]);
    expect(early.pending).toEqual([{ name: 'prod-web-app', graceEndsAt: result.graceEndsAt }]);
    expect(world.generations('prod-web-app')).toHaveLength(2);

    world.advance(HOUR);
    const done = await manager.finalize();
    expect(done.finalized).toHaveLength(1);
    expect(done.finalized[0]).toMatchObject({ status: 'completed', newTokenName: 'prod-web-app--g2' });
    // The old one's leftover (48.76 − 10) moved to the new one (438.89 − 100).
    expect(world.generations('prod-web-app')).toEqual([
      expect.objectContaining({ name: 'prod-web-app--g2', balance: 377.65, activeBalance: true }),
    ]);
    expect(world.fake.tokenValue('prod-web-app')).toBeUndefined();
    expect(await world.current('prod-web-app')).toEqual({
      tokenName: 'prod-web-app--g2',
      valueMatches: true,
    });
    expect(violations).toEqual([]);
    expect((await manager.status('prod-web-app'))?.status).toBe('completed');

    // finalize again: nothing more.
    const before = world.fake.requests.length;
    expect((await manager.finalize()).finalized).toEqual([]);
    expect(world.fake.requests.length).toBe(before);
  });

  it('rotates again to --g3 and the registry sees the current generation throughout', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'staging', app: 'api' });
    const manager = world.manager({ gracePeriodMs: HOUR });
    await manager.rotate('staging-api');
    expect((await world.registry.get('staging-api')).tokenName).toBe('staging-api--g2');
    world.advance(HOUR);
    await manager.finalize();
    const second = await manager.rotate('staging-api--g2');
    expect(second).toMatchObject({
      oldTokenName: 'staging-api--g2',
      newTokenName: 'staging-api--g3',
      generation: 3,
    });
    expect((await world.registry.get('staging-api')).tokenName).toBe('staging-api--g3');
    world.advance(HOUR);
    await manager.finalize();
    expect(world.generations('staging-api').map((t) => t.name)).toEqual(['staging-api--g3']);
    expect(world.budgetCents('staging-api')).toBe(5000);
  });

  it('a custom allowance is carved out of the balance, capped at it', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'staging', app: 'a', budget: 20 });
    await world.registry.create({ environment: 'staging', app: 'b', budget: 20 });
    await world.manager({ graceAllowance: 2.5 }).rotate('staging-a');
    expect(world.generations('staging-a').map((t) => t.balance)).toEqual([2.5, 17.5]);
    await world.manager({ graceAllowance: (remaining) => remaining * 2 }).rotate('staging-b');
    expect(world.generations('staging-b').map((t) => t.balance)).toEqual([20, 0]);
  });
});

describe('rotate() with gracePeriodMs: 0', () => {
  // The exact requests differ per API: one expectation per flavour.
  const REQUESTS: [string, World['flavour'], string[]][] = [
    [
      'v2: drain, create funded, read the value, delete the old generation',
      V2,
      [
        'GET /v2/user/custom_token/',
        'PATCH /v2/user/custom_token/staging-web/',
        'POST /v2/user/custom_token/',
        'GET /v2/user/custom_token/staging-web--g2/',
        'DELETE /v2/user/custom_token/staging-web/',
      ],
    ],
    [
      'v3 by generations: the value comes with the create answer; a revoke checks the key first',
      V3_GENERATIONS,
      [
        'GET /v3/manage/keys/',
        'PATCH /v3/manage/keys/{staging-web}/',
        'POST /v3/manage/keys/',
        // The create removes its one-time creation marker from the new key's default_tags.
        'PATCH /v3/manage/keys/{staging-web--g2}/',
        'GET /v3/manage/keys/{staging-web}/',
        'DELETE /v3/manage/keys/{staging-web}/',
      ],
    ],
  ];

  it.each(REQUESTS)(
    'revokes the old generation at once and moves the whole balance (%s)',
    async (_label, flavour, requests) => {
      world = await createWorld({ flavour });
      await world.registry.create({ environment: 'staging', app: 'web', budget: 33.33 });
      const violations = world.watch('staging-web', 3333);
      world.fake.resetRequestLog();
      const result = await world.manager({ gracePeriodMs: 0 }).rotate('staging-web');
      expect(result).toMatchObject({
        status: 'completed',
        mode: 'generation',
        newTokenName: 'staging-web--g2',
      });
      expect(world.generations('staging-web')).toEqual([
        expect.objectContaining({ name: 'staging-web--g2', balance: 33.33, activeBalance: true }),
      ]);
      expect(await world.current('staging-web')).toEqual({
        tokenName: 'staging-web--g2',
        valueMatches: true,
      });
      expect(world.requestLines()).toEqual(requests);
      expect(violations).toEqual([]);
    },
  );

  it('v3 rotates natively: same key, new value, budget untouched, one request (two when the expiry moves)', async () => {
    world = await createWorld({ flavour: V3 });
    await world.registry.create({ environment: 'staging', app: 'web', budget: 33.33 });
    const [key] = world.fake.keys();
    const oldValue = world.fake.tokenValue('staging-web');
    const violations = world.watch('staging-web', 3333);
    world.advance(DAY); // the policy's 30 days now end a day later than the key's
    world.fake.resetRequestLog();
    const manager = world.manager({ gracePeriodMs: 0 });
    const result = await manager.rotate('staging-web');
    expect(result).toMatchObject({
      status: 'completed',
      mode: 'native',
      oldTokenName: 'staging-web',
      newTokenName: 'staging-web',
      generation: 1,
      graceEndsAt: null,
    });
    expect(world.requestLines()).toEqual([
      'GET /v3/manage/keys/',
      'POST /v3/manage/keys/{staging-web}/rotate/',
      'PATCH /v3/manage/keys/{staging-web}/',
    ]);
    expect(world.fake.keys()).toEqual([
      expect.objectContaining({ id: key!.id, name: 'staging-web', revoked: false, balance: 33.33 }),
    ]);
    expect(world.generations('staging-web')[0]!.expireTime).toEqual(new Date(START.getTime() + 31 * DAY));
    expect(world.fake.tokenValue('staging-web')).not.toBe(oldValue);
    expect(await world.current('staging-web')).toEqual({ tokenName: 'staging-web', valueMatches: true });
    expect((await world.secrets.get('edenai/staging-web'))?.metadata).toEqual({
      budget: 33.33, // the allocated budget, carried to the new value's entry
      tokenName: 'staging-web',
      generation: 1,
      rotationId: result.rotationId,
    });
    expect(violations).toEqual([]);
    // Nothing to finalize, nothing to resume, nothing failed.
    world.fake.resetRequestLog();
    expect(await manager.finalize()).toEqual({ finalized: [], failed: [], pending: [], skipped: [] });
    expect(await manager.resume()).toEqual({ resumed: [], failed: [], skipped: [] });
    expect(await manager.failures()).toEqual([]);
    expect(world.fake.requests).toEqual([]);
    // Rotating again: the expiry is already the planned one, so only the rotate.
    await manager.rotate('staging-web');
    expect(world.requestLines()).toEqual([
      'GET /v3/manage/keys/',
      'POST /v3/manage/keys/{staging-web}/rotate/',
    ]);
  });
});

describe.each(NO_GRACE)('unlimited tokens on $label', (flavour) => {
  it('stay unlimited: no drain, the new generation (or key) gets no budget either', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'dev', app: 'tools' });
    const violations = world.watch('dev-tools', null);
    world.fake.resetRequestLog();
    const result = await world.manager({ gracePeriodMs: 0 }).rotate('dev-tools');
    expect(result.status).toBe('completed');
    expect(world.generations('dev-tools')).toEqual([
      expect.objectContaining({
        name: world.rotatedName('dev-tools', 0),
        activeBalance: false,
        tokenType: 'sandbox_api_token',
      }),
    ]);
    // list; v3 native: rotate; generations: create, (v2) read, (v3) check before revoke, delete.
    expect(world.fake.requests.map((r) => r.method)).toEqual(
      world.native(0)
        ? ['GET', 'POST']
        : world.fake.requests[0]!.path.startsWith('/v3/')
          ? // v3 by generations: the create's PATCH removes its one-time creation marker.
            ['GET', 'POST', 'PATCH', 'GET', 'DELETE']
          : ['GET', 'POST', 'GET', 'DELETE'],
    );
    expect(result.migrationSteps.join('\n')).not.toMatch(/\$/);
    expect(violations).toEqual([]);
  });
});

describe.each(WITH_GRACE)('events, migration steps and redaction on $label', (flavour) => {
  it('emits started, each step in order, then succeeded; nothing carries a value', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'prod', app: 'web-app' });
    const logger = captureLogger();
    const manager = world.manager({ gracePeriodMs: 24 * HOUR, logger });
    const seen: string[] = [];
    const payloads: unknown[] = [];
    manager.on('rotation.started', (e) => {
      seen.push('started');
      payloads.push(e);
    });
    const onStep = (e: { step: string }) => {
      seen.push(e.step);
      payloads.push(e);
    };
    manager.on('rotation.step', onStep);
    manager.on('rotation.succeeded', (e) => {
      seen.push(`succeeded:${e.status}`);
      payloads.push(e);
    });
    const result = await manager.rotate('prod-web-app');
    expect(seen).toEqual([
      'started',
      'snapshot',
      'drain',
      'create',
      'read',
      'verify',
      'promote',
      'succeeded:grace',
    ]);
    manager.off('rotation.step', onStep);
    world.advance(24 * HOUR);
    await manager.finalize();
    expect(seen.slice(8)).toEqual(['started', 'succeeded:completed']);

    const newValue = world.fake.tokenValue('prod-web-app--g2')!;
    const entry = await world.secrets.get('edenai/prod-web-app');
    const fingerprint = entry!.value.fingerprint;
    expect(result.migrationSteps[0]).toBe(
      `Reload the secret at edenai/prod-web-app (fingerprint ${fingerprint}) in services using prod-web-app: it now holds prod-web-app--g2.`,
    );
    expect(result.migrationSteps[1]).toMatch(
      /^Old generation prod-web-app stays valid until 2026-03-02T00:00:00.000Z with \$50.00 allowance/,
    );
    const everything = [
      JSON.stringify(result),
      inspect(result, { depth: 10 }),
      JSON.stringify(payloads),
      JSON.stringify(await manager.status('prod-web-app')),
      JSON.stringify(world.state),
      JSON.stringify(await world.state.get('rotation/journal/prod-web-app')),
      JSON.stringify(manager),
      inspect(manager, { depth: 10 }),
      ...logger.lines,
    ].join('\n');
    expect(everything).not.toContain(newValue);
    expect(everything).not.toContain(world.fake.apiKey);
    expect(everything).not.toContain(world.fake.managementKey);
    expect(logger.lines.length).toBeGreaterThan(0);
  });
});

describe.each(NO_GRACE)('listeners on $label', (flavour) => {
  it('a throwing listener does not break the rotation', async () => {
    world = await createWorld({ flavour });
    await world.registry.create({ environment: 'staging', app: 'x' });
    const manager = world.manager({ gracePeriodMs: 0 });
    manager.on('rotation.step', () => {
      throw new Error('listener bug');
    });
    await expect(manager.rotate('staging-x')).resolves.toMatchObject({ status: 'completed' });
  });
});
