// ManagementKeyBackend against the fake Eden AI server: the TokenRegistry unchanged on v3 (values
// from the create answer, revoked keys hidden), the name → id cache, native rotate, v3 usage.

import {
  BadRequestError,
  ManagementKeyBackend,
  ManagementKeyClient,
  MemorySecretStore,
  NotFoundError,
  TokenRegistry,
  UsageMonitor,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI, type FakeEdenAIOptions } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const ENVIRONMENTS = {
  dev: { tokenType: 'sandbox_api_token' },
  prod: {
    budget: { default: 500, max: 2000, resetPeriod: 'monthly' },
    expiry: { required: true, defaultDays: 90, maxDays: 180 },
  },
} as const;

let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function world(options: { maxCacheAgeMs?: number } = {}, fakeOptions: FakeEdenAIOptions = {}) {
  await fake?.close();
  let now = NOW.getTime();
  const clock = Object.assign(() => new Date(now), {
    advance(ms: number) {
      now += ms;
    },
  });
  fake = await createFakeEdenAI({ listen: false, clock, ...fakeOptions });
  const options2 = { ...fake.managementClientOptions, clock, retryDelay: () => 0 };
  const client = new ManagementKeyClient(options2);
  /** Another process working on the same organization. */
  const other = new ManagementKeyClient(options2);
  const backend = new ManagementKeyBackend({ client, clock, ...options });
  const secrets = new MemorySecretStore();
  const registry = new TokenRegistry({ backend, secrets, environments: ENVIRONMENTS, clock });
  const f = fake;
  const log = () => f.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, '{id}')}`);
  return { fake: f, client, other, backend, secrets, registry, clock, log };
}

describe('TokenRegistry on ManagementKeyBackend', () => {
  it('create stores the value from the create answer: no read, no v2 call', async () => {
    const w = await world();
    const token = await w.registry.create({ environment: 'prod', app: 'web-app', budget: 100 });
    expect(token).toMatchObject({
      name: 'prod-web-app',
      balance: 100,
      activeBalance: true,
      secretRef: 'edenai/prod-web-app',
    });
    const stored = await w.secrets.get('edenai/prod-web-app');
    expect(stored?.value.reveal()).toBe(w.fake.tokenValue('prod-web-app'));
    expect(
      w.log().filter((l) => l.startsWith('POST') || l.startsWith('PATCH') || l.startsWith('DELETE')),
      // The PATCH removes the one-time creation marker from default_tags.
    ).toEqual(['POST /v3/manage/keys/', 'PATCH /v3/manage/keys/{id}/']);
    expect(w.fake.keys()[0]!.tags).toEqual({});
    expect(w.log()).not.toContain('GET /v3/manage/keys/{id}/');
    expect(w.fake.requests.every((r) => r.path.startsWith('/v3/'))).toBe(true);
    expect(w.fake.keys()).toMatchObject([
      {
        name: 'prod-web-app',
        balance: 100,
        activeBalance: true,
        balanceResetPeriod: 'monthly',
        revoked: false,
      },
    ]);
  });

  it('list hides revoked keys; revoke revokes every generation and drops the value', async () => {
    const w = await world();
    await w.registry.create({ environment: 'prod', app: 'web-app' });
    await w.registry.create({ environment: 'dev', app: 'web-app' });
    await w.registry.revoke('dev-web-app');
    expect((await w.registry.list()).map((t) => t.name)).toEqual(['prod-web-app']);
    expect((await w.backend.list()).map((t) => t.name)).toEqual(['prod-web-app']);
    expect(w.fake.keys().map((k) => [k.name, k.revoked])).toEqual([
      ['prod-web-app', false],
      ['dev-web-app', true],
    ]);
    expect(await w.secrets.get('edenai/dev-web-app')).toBeUndefined();
    await expect(w.registry.get('dev-web-app')).rejects.toBeInstanceOf(NotFoundError);
    await expect(w.backend.get('dev-web-app')).rejects.toBeInstanceOf(NotFoundError);
    // The name is free again.
    await w.registry.create({ environment: 'dev', app: 'web-app' });
    expect((await w.registry.list()).map((t) => t.name)).toEqual(['dev-web-app', 'prod-web-app']);
  });

  it('setBudget and extend go through PATCH by id', async () => {
    const w = await world();
    await w.registry.create({ environment: 'prod', app: 'web-app', budget: 100 });
    await w.registry.setBudget('prod-web-app', 250);
    await w.registry.extend('prod-web-app', 30);
    expect(w.fake.keys()[0]).toMatchObject({ balance: 250 });
    // The first removes the creation marker.
    expect(w.log().filter((l) => l.startsWith('PATCH'))).toEqual([
      'PATCH /v3/manage/keys/{id}/',
      'PATCH /v3/manage/keys/{id}/',
      'PATCH /v3/manage/keys/{id}/',
    ]);
  });
});

describe('ManagementKeyBackend', () => {
  it('get never carries a value; create does', async () => {
    const w = await world();
    const created = await w.backend.create({ name: 'x' });
    expect(created.secret?.reveal()).toBe(w.fake.tokenValue('x'));
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await w.backend.get('x');
    expect(read.secret).toBeUndefined();
    expect(read).not.toHaveProperty('revoked');
    expect(read.id).toBe(created.id);
  });

  it('a name clash is name_taken (409 ConflictError; 400 BadRequestError on the older API); an unknown name a NotFoundError', async () => {
    const w = await world();
    await w.backend.create({ name: 'x' });
    await expect(w.backend.create({ name: 'x' })).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'name_taken',
    });
    await expect(w.backend.get('nope')).rejects.toMatchObject({ name: 'NotFoundError', status: 404 });
    await expect(w.backend.update('nope', { balance: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(w.backend.delete('nope')).rejects.toBeInstanceOf(NotFoundError);
    const older = await world({}, { v3: { duplicateStatus: 400 } });
    await older.backend.create({ name: 'x' });
    await expect(older.backend.create({ name: 'x' })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('uses the cached id while fresh: one list, then reads by id only', async () => {
    const w = await world();
    await w.backend.create({ name: 'a' });
    await w.backend.create({ name: 'b' });
    await w.backend.list();
    w.fake.resetRequestLog();
    await w.backend.get('a');
    await w.backend.update('b', { balance: 3, activeBalance: true });
    expect(w.log()).toEqual(['GET /v3/manage/keys/{id}/', 'PATCH /v3/manage/keys/{id}/']);
  });

  it('refreshes on a miss, and when the cache is older than maxCacheAgeMs', async () => {
    const w = await world({ maxCacheAgeMs: 60_000 });
    await w.backend.list();
    const made = await w.other.create({ name: 'made-elsewhere' });
    w.fake.resetRequestLog();
    expect((await w.backend.get('made-elsewhere')).id).toBe(made.id);
    expect(w.log()).toEqual(['GET /v3/manage/keys/', 'GET /v3/manage/keys/{id}/']);
    w.fake.resetRequestLog();
    w.clock.advance(60_000);
    await w.backend.get('made-elsewhere');
    expect(w.log()).toEqual(['GET /v3/manage/keys/', 'GET /v3/manage/keys/{id}/']);
  });

  it('a 404 on a stale id refreshes once and reaches the key that now has the name', async () => {
    const w = await world();
    const first = await w.backend.create({ name: 'a', balance: 5, activeBalance: true });
    // Elsewhere: revoked and minted again under the same name (a new id).
    await w.other.revoke(first.id!);
    const second = await w.other.create({ name: 'a' });
    w.fake.resetRequestLog();
    const updated = await w.backend.update('a', { balance: 7, activeBalance: true });
    expect(updated.id).toBe(second.id);
    expect(w.log()).toEqual([
      'PATCH /v3/manage/keys/{id}/', // 404: the cached id is revoked
      'GET /v3/manage/keys/',
      'PATCH /v3/manage/keys/{id}/',
    ]);
    expect(w.fake.keys().map((k) => [k.id, k.revoked, k.balance])).toEqual([
      [first.id, true, 5],
      [second.id, false, 7],
    ]);
  });

  it('delete makes sure the cached id still names the key before the irreversible revoke', async () => {
    const w = await world();
    const first = await w.backend.create({ name: 'a' });
    // Elsewhere: the key is renamed and another key takes its name.
    await w.other.update(first.id!, { name: 'a-renamed' });
    const second = await w.other.create({ name: 'a' });
    await w.backend.delete('a');
    expect(w.fake.keys().map((k) => [k.name, k.id, k.revoked])).toEqual([
      ['a-renamed', first.id, false],
      ['a', second.id, true],
    ]);
  });

  it('rotate is native: same id and name, a new value; the old one stops working', async () => {
    const w = await world();
    const created = await w.backend.create({ name: 'a', balance: 9, activeBalance: true });
    const oldValue = created.secret!.reveal();
    w.fake.resetRequestLog();
    const rotated = await w.backend.rotate!('a');
    expect(rotated).toMatchObject({ id: created.id, name: 'a', balance: 9 });
    expect(rotated.secret.reveal()).toBe(w.fake.tokenValue('a'));
    expect(rotated.secret.reveal()).not.toBe(oldValue);
    expect(w.log()).toEqual(['POST /v3/manage/keys/{id}/rotate/']);
    const res = await w.fake.fetch(`${w.fake.v3BaseUrl}/manage/keys/`, {
      headers: { authorization: `Bearer ${oldValue}` },
    });
    expect(res.status).toBe(401);
    expect(w.fake.keys()).toHaveLength(1);
  });

  it('member scopes the names to one member', async () => {
    const w = await world();
    await w.client.create({ name: 'mine', member: 'me@example.com' });
    await w.client.create({ name: 'theirs', member: 'them@example.com' });
    const mine = new ManagementKeyBackend({ client: w.client, member: 'me@example.com' });
    expect((await mine.list()).map((t) => t.name)).toEqual(['mine']);
    await expect(mine.get('theirs')).rejects.toBeInstanceOf(NotFoundError);
    const made = await mine.create({ name: 'new' });
    expect(w.fake.keys().find((k) => k.id === made.id)?.member).toBe('me@example.com');
  });
});

describe('UsageMonitor on v3 usage', () => {
  it('reads the same totals through ManagementKeyClient as a UsageSource', async () => {
    const w = await world();
    await w.registry.create({ environment: 'prod', app: 'web-app' });
    await w.registry.create({ environment: 'dev', app: 'web-app' });
    for (const [token, date, cost, calls] of [
      ['prod-web-app', '2026-01-10', 1.25, 2],
      ['prod-web-app', '2026-01-14', 2.5, 3],
      ['dev-web-app', '2026-01-14', 0, 4],
      ['prod-web-app', '2026-01-15', 4, 1],
    ] as const) {
      expect(w.fake.simulateUsage({ token, date, cost, calls })).toEqual({ ok: true });
    }
    const monitor = new UsageMonitor({ registry: w.registry, source: w.client, clock: w.clock });
    const usage = await monitor.tokenUsage('prod-web-app', { from: '2026-01-10', to: '2026-01-14' });
    // `to` is inclusive: the 01-14 spend counts, 01-15 does not.
    expect(usage).toMatchObject({ name: 'prod-web-app', totalCost: 3.75, totalCalls: 5 });
    const report = await monitor.report({ from: '2026-01-01', to: '2026-01-15' });
    expect(report).toMatchObject({ totalCost: 7.75, totalCalls: 10 });
  });
});
