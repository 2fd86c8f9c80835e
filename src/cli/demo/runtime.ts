import {
  FileSecretStore,
  FileStateStore,
  MemorySecretStore,
  MemoryStateStore,
  TokenRegistry,
} from '../../index-node.js';
import type { SecretStore, StateStore } from '../../ports/stores.js';
import { createFakeEdenAI, type FakeEdenAI } from '../../testing/fake/index.js';
import type { ApiVersion } from '../api-version.js';
import { openApiClients } from '../backends.js';
import { resolveConfig } from '../config.js';
import { FAKE_PASSPHRASE, fakeFiles, type Runtime, withClose } from '../context.js';
import { tutorialEnvironments } from '../defaults.js';

/** The demo's runtime and the hand on its clock. */
export interface DemoRuntime extends Runtime {
  fake: FakeEdenAI;
  /** Moves the shared clock (fake server, registry, rotation, alerts) to this instant. */
  setNow(at: Date): void;
}

/**
 * An in-process fake (no socket) and in-memory stores on one injected clock; with `keepAt`,
 * the `--fake` files instead, so the final state can be explored with `edenai-tokens --fake …`.
 * `api` picks the fake's v2 endpoints or its v3 Management API: same story, other backend.
 */
export async function openDemoRuntime(
  start: Date,
  cwd: string,
  api: ApiVersion,
  keepAt?: string,
): Promise<DemoRuntime> {
  let now = start.getTime();
  const clock = () => new Date(now);
  const files = keepAt ? fakeFiles(keepAt) : undefined;
  const fake = await createFakeEdenAI({
    listen: false,
    clock,
    ...(files ? { stateFile: files.server } : {}),
  });
  const secrets: SecretStore = files
    ? new FileSecretStore({ path: files.secrets, key: FAKE_PASSPHRASE })
    : new MemorySecretStore();
  const state: StateStore = files ? new FileStateStore({ path: files.state }) : new MemoryStateStore();
  const config = resolveConfig(
    { environments: tutorialEnvironments, rotation: { gracePeriod: '24h' } },
    undefined,
    cwd,
  );
  const { backend, usageSource } = openApiClients(api, {
    v2: () => fake.clientOptions,
    v3: () => fake.managementClientOptions,
  });
  const registry = new TokenRegistry({ backend, secrets, environments: tutorialEnvironments, clock });
  return {
    ...withClose({ config, api, registry, backend, usageSource, secrets, state, clock, fake }),
    fake,
    setNow(at) {
      now = at.getTime();
    },
  };
}
