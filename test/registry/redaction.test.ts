import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APIS, type FakeWorld, fakeWorld } from './world.js';

let world: FakeWorld;
afterEach(() => world?.close());

describe.each(APIS)('no token value leaves the registry (%s)', (api) => {
  it('in results, errors, plans, progress or log lines', async () => {
    world = await fakeWorld({ api, seed: [{ name: 'legacy-admin', tokenType: 'api_token' }] });
    const r = world.registry;
    const seen: unknown[] = [];
    const keep = async (p: Promise<unknown>) =>
      seen.push(await p.catch((e: Error) => `${e.name}: ${e.message}`));

    await keep(r.create({ environment: 'prod', app: 'web' }));
    await keep(r.create({ environment: 'prod', app: 'web' })); // duplicate → error
    await keep(r.create({ environment: 'staging', app: 'api', budget: 10 }));
    vi.spyOn(world.secrets, 'set').mockRejectedValueOnce(new Error('vault down'));
    await keep(r.create({ environment: 'dev', app: 'broken' }));
    await keep(r.snapshot());
    await keep(r.byEnvironment());
    await keep(r.list());
    await keep(r.get('prod-web'));
    await keep(r.setBudget('prod-web', 900));
    await keep(r.topUp('staging-api', 5));
    await keep(r.extend('prod-web', 10));
    await keep(r.topUp('prod-web', 99_999));
    const plan = await r.plan({ staging: { api: { budget: 20 }, new: {} } }, { prune: true });
    seen.push(plan);
    const progress: unknown[] = [];
    await keep(r.apply(plan, { onProgress: (p) => progress.push(p) }));
    seen.push(progress);
    await keep(r.revoke('staging-new'));

    const values = ['prod-web', 'staging-api', 'legacy-admin'].map((n) => world.fake.tokenValue(n));
    values.push(world.fake.apiKey, world.fake.managementKey); // nor the account's credentials
    expect(values.every((v) => typeof v === 'string' && v.length > 8)).toBe(true);
    const out = [
      JSON.stringify(seen),
      inspect(seen, { depth: 10 }),
      world.logger.lines.join('\n'),
      JSON.stringify(r),
    ].join('\n');
    for (const value of values) expect(out).not.toContain(value);
    expect(world.logger.lines.length).toBeGreaterThan(5);
  });
});
