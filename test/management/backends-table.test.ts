// The shared backend table (test/helpers/backends.ts) on both APIs: the same registry, usage and
// rotation scenario passes on v2 and on the v3 Management API.

import {
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  TokenRegistry,
  UsageMonitor,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendSetup } from '../helpers/backends.js';

const NOW = new Date('2026-02-01T12:00:00Z');
const clock = () => NOW;
const ENVIRONMENTS = { prod: { budget: { default: 100 }, expiry: { defaultDays: 90 } } } as const;

let setup: BackendSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe.each(BACKENDS)('registry, usage and rotation on $api', (backendCase) => {
  it('creates with the value stored, reports usage, rotates and finalizes', async () => {
    setup = await backendCase.create({ clock });
    const { fake, backend, usageSource } = setup;
    const secrets = new MemorySecretStore();
    const registry = new TokenRegistry({ backend, secrets, environments: ENVIRONMENTS, clock });
    await registry.create({ environment: 'prod', app: 'web-app' });
    expect((await secrets.get('edenai/prod-web-app'))?.value.reveal()).toBe(fake.tokenValue('prod-web-app'));
    expect((await backend.get('prod-web-app')).secret !== undefined).toBe(backendCase.valuesOn === 'read');
    expect(typeof backend.rotate === 'function').toBe(backendCase.nativeRotate);

    expect(fake.simulateUsage({ token: 'prod-web-app', cost: 2.5, date: '2026-01-31' })).toEqual({
      ok: true,
    });
    const monitor = new UsageMonitor({ registry, source: usageSource, clock });
    const usage = await monitor.tokenUsage('prod-web-app', { from: '2026-01-01', to: '2026-01-31' });
    expect(usage).toMatchObject({ totalCost: 2.5, totalCalls: 1 });

    const rotation = new RotationManager({
      registry,
      state: new MemoryStateStore(),
      gracePeriodMs: 0,
      clock,
    });
    await rotation.rotate('prod-web-app');
    await rotation.finalize();
    const [token] = await registry.list();
    const current = await secrets.get(token!.secretRef);
    expect(current?.value.reveal()).toBe(fake.tokenValue(token!.tokenName));
    // Budget carried over, never raised: 100 − 2.5 spent.
    expect(token).toMatchObject({ balance: 97.5, activeBalance: true });
    // Nothing else is live.
    expect(fake.tokens().map((t) => t.name)).toEqual([token!.tokenName]);
  });
});
