// reconcile(): one idempotent pass. A second pass in a row writes nothing to Eden; a pass with
// nothing to do lists once; two copies started together do the work once; failures are collected.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore, MemoryStateStore, reconcile } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, type Fleet, openFleet } from '../helpers/fleet.js';

const DESIRED = {
  prod: { 'web-app': { budget: 500, expiresInDays: 90 }, api: { budget: 100, expiresInDays: 5 } },
  dev: { test: {} },
};

const writes = (f: Fleet) => f.fake.requests.filter((r) => r.method !== 'GET');
const pass = (f: Fleet, extra: object = {}) =>
  reconcile({
    registry: f.registry,
    rotation: f.rotation,
    alerts: f.alerts,
    desired: DESIRED,
    rotateWithinDays: 7,
    metrics: f.metrics,
    ...extra,
  });

let open: Fleet[] = [];
afterEach(async () => {
  for (const f of open.reverse()) await f.close();
  open = [];
});
async function fleet(options?: Parameters<typeof openFleet>[0]) {
  const f = await openFleet(options);
  open.push(f);
  return f;
}

describe('reconcile', () => {
  it('applies, rotates and reports; the second pass in a row changes nothing', async () => {
    const f = await fleet();
    const first = await pass(f);
    expect(first.applied.created.sort()).toEqual(['dev-test', 'prod-api', 'prod-web-app']);
    // prod-api was created expiring in 5 days: the same pass rotates it.
    expect(first.rotated).toEqual(['prod-api']);
    expect(first.inGrace.map((g) => g.name)).toEqual(['prod-api']);
    expect(first.changed).toBe(true);
    expect(first.failures).toEqual([]);

    f.fake.resetRequestLog();
    const second = await pass(f);
    expect(writes(f)).toEqual([]);
    expect(second.changed).toBe(false);
    expect(second.status).toBe('ok');
    // One list for the whole pass (plan, rotateExpiring, alerts, metrics share it).
    expect(f.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v2/user/custom_token/']);
  });

  it('finalizes once the grace period has passed, then is idle again', async () => {
    const f = await fleet();
    await pass(f);
    f.clock.now = new Date(f.clock.now.getTime() + 2 * DAY);
    const later = await pass(f);
    expect(later.finalized).toEqual(['prod-api']);
    expect(later.inGrace).toEqual([]);
    f.fake.resetRequestLog();
    expect((await pass(f)).changed).toBe(false);
    expect(writes(f)).toEqual([]);
  });

  it('deletes tokens the desired state no longer lists only with prune', async () => {
    const f = await fleet();
    await pass(f);
    const fewer = { prod: { 'web-app': DESIRED.prod['web-app'] }, dev: DESIRED.dev };
    expect((await pass(f, { desired: fewer })).applied.deleted).toEqual([]);
    expect((await pass(f, { desired: fewer, prune: true })).applied.deleted).toEqual(['prod-api']);
  });

  it('collects per-token failures, goes on, and reports status failed', async () => {
    const f = await fleet();
    f.fake.inject({ kind: 'status', status: 400, match: { method: 'POST' }, times: 1 });
    const summary = await pass(f);
    expect(summary.status).toBe('failed');
    expect(summary.failures).toEqual([expect.objectContaining({ step: 'apply' })]);
    expect(summary.applied.created).toHaveLength(2);
    // The next pass converges.
    const next = await pass(f);
    expect(next.applied.created).toHaveLength(1);
    expect(next.failures).toEqual([]);
  });

  it('converges after a pass that failed midway through a rotation', async () => {
    const f = await fleet();
    await pass(f, { rotateWithinDays: 0 });
    // Every PATCH fails from here: the rotation of prod-api stops after its first steps.
    f.fake.inject({
      kind: 'status',
      status: 503,
      match: { method: 'PATCH' },
      times: Number.POSITIVE_INFINITY,
    });
    const broken = await pass(f);
    expect(broken.status).toBe('failed');
    expect(broken.failures.map((x) => x.step)).toContain('rotate');
    f.fake.clearFaults();
    const repaired = await pass(f);
    expect(repaired.failures).toEqual([]);
    expect([...repaired.resumed, ...repaired.rotated]).toContain('prod-api');
    f.fake.resetRequestLog();
    expect((await pass(f)).changed).toBe(false);
    expect(writes(f)).toEqual([]);
  });

  it("reports 'alerts' when a warning or critical alert holds", async () => {
    const f = await fleet();
    await pass(f);
    f.fake.simulateUsage({ token: 'prod-web-app', cost: 480 });
    const summary = await pass(f);
    expect(summary.status).toBe('alerts');
    expect(summary.alerts?.warning ?? 0).toBeGreaterThan(0);
  });

  it('rejects a bad rotateWithinDays before any request', async () => {
    const f = await fleet();
    await expect(pass(f, { rotateWithinDays: -1 })).rejects.toThrow(/rotateWithinDays/);
    expect(f.fake.requests).toEqual([]);
  });
});

describe('two copies started at once', () => {
  it.each([
    [
      'a shared MemoryStateStore',
      () => {
        const shared = new MemoryStateStore();
        return [shared, shared];
      },
    ],
    [
      'one FileStateStore file (two processes)',
      (dir: string) => [
        new FileStateStore({ path: join(dir, 'state.json') }),
        new FileStateStore({ path: join(dir, 'state.json') }),
      ],
    ],
  ] as const)('do the work once with %s', async (_name, makeStates) => {
    const dir = mkdtempSync(join(tmpdir(), 'reconcile-'));
    try {
      const a = await fleet();
      const b = await fleet({ shared: a });
      const [sa, sb] = makeStates(dir);
      const [ra, rb] = await Promise.all([pass(a, { state: sa }), pass(b, { state: sb })]);
      expect([ra.status, rb.status].sort()).toEqual(['ok', 'skipped']);
      const tokens = a.fake
        .tokens()
        .map((t) => t.name)
        .sort();
      expect(tokens).toEqual(['dev-test', 'prod-api', 'prod-api--g2', 'prod-web-app']);
      // The lease is released: the next pass runs (and has nothing to do).
      const again = await pass(b, { state: sb });
      expect(again.status).toBe('ok');
      expect(again.changed).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a shared lease, never rotates a token twice', async () => {
    const a = await fleet();
    const b = await fleet({ shared: a });
    await pass(a, { desired: undefined, rotateWithinDays: 0 });
    await a.registry.create({ environment: 'prod', app: 'api', budget: 100, expiresInDays: 5 });
    const [ra, rb] = await Promise.all([pass(a, { desired: undefined }), pass(b, { desired: undefined })]);
    expect([...ra.rotated, ...rb.rotated]).toEqual(['prod-api']);
    expect(a.fake.tokens().filter((t) => t.name.startsWith('prod-api'))).toHaveLength(2);
  });
});
