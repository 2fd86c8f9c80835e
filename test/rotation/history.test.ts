// Stores that keep history (Google versions, Azure versions, a Kubernetes `previous` key) are told to
// drop the revoked generation's value once a rotation is finished, on both rotation modes.
import {
  CustomTokenClient,
  ManagementKeyBackend,
  ManagementKeyClient,
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  TokenRegistry,
} from 'edenai-token-manager';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { describe, expect, it } from 'vitest';

class HistoryStore extends MemorySecretStore {
  readonly forgotten: string[] = [];
  async forgetPrevious(key: string): Promise<void> {
    this.forgotten.push(key);
  }
}

describe.each(['v2', 'v3'] as const)('forgetPrevious on %s', (api) => {
  it('is called for the token once its old generation is revoked, never before', async () => {
    const fake = await createFakeEdenAI({ listen: false });
    try {
      const backend =
        api === 'v2'
          ? new CustomTokenClient({ ...fake.clientOptions, retryDelay: () => 0 })
          : new ManagementKeyBackend(
              new ManagementKeyClient({ ...fake.managementClientOptions, retryDelay: () => 0 }),
            );
      const secrets = new HistoryStore();
      const registry = new TokenRegistry({
        backend,
        secrets,
        environments: { prod: { budget: { max: 100 } } },
      });
      await registry.create({ environment: 'prod', app: 'web-app', budget: 40 });
      const rotation = new RotationManager({
        registry,
        state: new MemoryStateStore(),
        gracePeriodMs: 60_000,
      });
      await rotation.rotate('prod-web-app');
      expect(secrets.forgotten).toEqual([]); // in grace: the old value must still work
      await rotation.finalize({ force: true });
      expect(secrets.forgotten).toEqual(['edenai/prod-web-app']);
    } finally {
      await fake.close();
    }
  });
});
