// Cost tags from policy: an environment declares tag templates ({environment}, {app}), create adds
// per-token tags, the v3 registry sets them as the key's default_tags, rotation carries them, and
// plan() shows drift that apply() fixes. On v2 declaring tags is allowed and has no effect.

import {
  ConfigurationError,
  InvalidInputError,
  MAX_TAGS,
  MemorySecretStore,
  MemoryStateStore,
  normalizeTags,
  RotationManager,
  TokenRegistry,
  UsageMonitor,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendSetup } from '../helpers/backends.js';

const NOW = new Date('2026-02-01T12:00:00Z');
const clock = () => NOW;
const ENVIRONMENTS = {
  prod: {
    budget: { default: 100 },
    tags: { Env: '{environment}', app: '{app}', owner: 'payments', ref: '{environment}/{app}' },
  },
} as const;
const POLICY_TAGS = { env: 'prod', app: 'web-app', owner: 'payments', ref: 'prod/web-app' };

const [V2, V3] = BACKENDS as [(typeof BACKENDS)[number], (typeof BACKENDS)[number]];
let setup: BackendSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

async function world(backendCase = V3) {
  setup = await backendCase.create({ clock });
  const secrets = new MemorySecretStore();
  const registry = new TokenRegistry({ backend: setup.backend, secrets, environments: ENVIRONMENTS, clock });
  return { ...setup, registry, secrets };
}

describe("Eden's tag rules (normalizeTags)", () => {
  it('lowercases keys and refuses, naming the tag and the rule, what Eden would answer 400 to', () => {
    expect(normalizeTags({ Team: 'a-b_c.d:e/f' })).toEqual({ team: 'a-b_c.d:e/f' });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ 'eden:team': 'x' }, /"eden:team".*"eden:" prefix is reserved/],
      [{ ['k'.repeat(65)]: 'x' }, /keys are 1 to 64 characters/],
      [{ team: 'v'.repeat(129) }, /"team".*values are 1 to 128 characters/],
      [{ team: '' }, /values are 1 to 128/],
      [{ 'te am': 'x' }, /"te am".*A-Z a-z 0-9 - _ \. : \//],
      [{ team: 'a,b' }, /"team".*values use only/],
      [{ team: 1 }, /values are strings/],
      [Object.fromEntries(Array.from({ length: MAX_TAGS + 1 }, (_, i) => [`t${i}`, 'v'])), /at most 10/],
    ];
    for (const [tags, message] of cases) {
      expect(() => normalizeTags(tags)).toThrow(InvalidInputError);
      expect(() => normalizeTags(tags)).toThrow(message);
    }
  });
});

describe('tags from policy on v3', () => {
  it('create sets the policy tags (placeholders replaced) and per-token tags as default_tags', async () => {
    const w = await world();
    const token = await w.registry.create({
      environment: 'prod',
      app: 'web-app',
      tags: { cost_center: 'cc-42' },
    });
    const expected = { ...POLICY_TAGS, cost_center: 'cc-42' };
    expect(token.tags).toEqual(expected);
    expect(w.fake.keys()[0]!.tags).toEqual(expected);
    expect((await w.registry.get('prod-web-app')).tags).toEqual(expected);
  });

  it('a per-token tag overrides the policy one; a bad tag is refused before any request', async () => {
    const w = await world();
    const token = await w.registry.create({ environment: 'prod', app: 'api', tags: { owner: 'search' } });
    expect(token.tags).toMatchObject({ owner: 'search', app: 'api' });
    const before = w.fake.requests.length;
    await expect(
      w.registry.create({ environment: 'prod', app: 'web', tags: { 'eden:x': 'y' } }),
    ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'tags.eden:x' });
    expect(w.fake.requests.length).toBe(before);
  });

  it('an invalid policy tag is a ConfigurationError at construction, naming the tag', async () => {
    const w = await world();
    const bad: Record<string, string>[] = [
      { 'eden:env': '{environment}' },
      { env: 'has space' },
      { env: '' },
    ];
    for (const tags of bad) {
      const build = () =>
        new TokenRegistry({ backend: w.backend, secrets: w.secrets, environments: { prod: { tags } } });
      expect(build).toThrow(ConfigurationError);
      expect(build).toThrow(/Invalid policy for environment "prod": Invalid tag "(eden:env|env)"/);
    }
  });

  it.each(['always', 'never'] as const)(
    'rotation (native: %s) carries the tags to the new generation',
    async (native) => {
      const w = await world();
      await w.registry.create({ environment: 'prod', app: 'web-app', tags: { cost_center: 'cc-42' } });
      const rotation = new RotationManager({
        registry: w.registry,
        state: new MemoryStateStore(),
        gracePeriodMs: 0,
        native,
        clock,
      });
      await rotation.rotate('prod-web-app');
      await rotation.finalize();
      const [token] = await w.registry.list();
      expect(token!.tags).toEqual({ ...POLICY_TAGS, cost_center: 'cc-42' });
      expect(
        w.fake
          .keys()
          .filter((k) => !k.revoked)
          .map((k) => k.tags),
      ).toEqual([{ ...POLICY_TAGS, cost_center: 'cc-42' }]);
    },
  );

  it('plan() shows tag drift and apply() fixes it, keeping tags the key has beyond the policy', async () => {
    const w = await world();
    await w.registry.create({ environment: 'prod', app: 'web-app', tags: { cost_center: 'cc-42' } });
    expect((await w.registry.plan({ prod: { 'web-app': {} } })).actions).toEqual([]);
    // Someone changed the key's tags in the dashboard.
    const key = w.fake.keys()[0]!;
    const client = (w.backend as unknown as { client: { update(id: string, p: object): Promise<unknown> } })
      .client;
    await client.update(key.id, { defaultTags: { owner: 'someone', cost_center: 'cc-42' } });
    const plan = await w.registry.plan({ prod: { 'web-app': {} } });
    expect(plan.actions).toEqual([
      expect.objectContaining({
        type: 'update',
        name: 'prod-web-app',
        changes: [
          {
            field: 'tags',
            from: { owner: 'someone', cost_center: 'cc-42' },
            to: { ...POLICY_TAGS, cost_center: 'cc-42' },
          },
        ],
      }),
    ]);
    const result = await w.registry.apply(plan);
    expect(result.failed).toBe(0);
    expect(w.fake.keys()[0]!.tags).toEqual({ ...POLICY_TAGS, cost_center: 'cc-42' });
    expect((await w.registry.plan({ prod: { 'web-app': {} } })).actions).toEqual([]);
  });
});

describe('reports', () => {
  it("attribute each token's cost to its key's default_tags, labelled as such", async () => {
    const w = await world();
    await w.registry.create({ environment: 'prod', app: 'web-app', tags: { cost_center: 'cc-42' } });
    expect(w.fake.simulateUsage({ token: 'prod-web-app', cost: 2.5, date: '2026-01-31' })).toEqual({
      ok: true,
    });
    const monitor = new UsageMonitor({ registry: w.registry, source: w.usageSource, clock });
    const report = await monitor.report({ from: '2026-01-01', to: '2026-01-31' });
    expect(report.tokenRows).toEqual([
      expect.objectContaining({
        name: 'prod-web-app',
        totalCost: 2.5,
        keyDefaultTags: { ...POLICY_TAGS, cost_center: 'cc-42' },
      }),
    ]);
  });
});

describe('tags on v2', () => {
  it('declaring tags is allowed and has no effect: created, no tags, no drift', async () => {
    const w = await world(V2);
    const token = await w.registry.create({
      environment: 'prod',
      app: 'web-app',
      tags: { cost_center: 'cc-42' },
    });
    expect(token.tags).toBeUndefined();
    expect((await w.registry.plan({ prod: { 'web-app': {} } })).actions).toEqual([]);
  });
});
