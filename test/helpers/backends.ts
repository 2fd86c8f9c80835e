// Backend setups over the fake Eden AI server, to run the same manager tests on v2 and on the v3
// Management API: `describe.each(BACKENDS)('... on $api', ({ create }) => ...)`.
import type { TokenBackend } from '../../src/backend/port.js';
import { CostClient, CustomTokenClient } from '../../src/client/index.js';
import type { ClientOptions } from '../../src/client/options.js';
import { ManagementKeyBackend, ManagementKeyClient } from '../../src/management/index.js';
import { createFakeEdenAI, type FakeEdenAI, type FakeEdenAIOptions } from '../../src/testing/index.js';
import type { UsageSource } from '../../src/usage/source.js';

export interface BackendSetup {
  fake: FakeEdenAI;
  backend: TokenBackend;
  /** Where usage comes from on this API (`CostClient` on v2, the `ManagementKeyClient` on v3). */
  usageSource: UsageSource;
  close(): Promise<void>;
}

export interface BackendCase {
  api: 'v2' | 'v3';
  /** Where a token's value shows up: on reads (legacy v2) or only in create/rotate answers (v3). */
  valuesOn: 'read' | 'create';
  /** Whether `backend.rotate` exists (native same-key rotation). */
  nativeRotate: boolean;
  /**
   * A fresh fake (in-process, `listen: false` unless overridden) and a backend on it. Retries never
   * wait; `fakeOptions.clock` is also given to the clients (Retry-After dates, v3 cache age).
   */
  create(fakeOptions?: FakeEdenAIOptions, clientOptions?: ClientOptions): Promise<BackendSetup>;
}

const noWait = { retryDelay: () => 0, sleep: async () => {} };

async function fakeFor(fakeOptions: FakeEdenAIOptions): Promise<FakeEdenAI> {
  return createFakeEdenAI({ listen: false, ...fakeOptions });
}

export const BACKENDS: readonly BackendCase[] = [
  {
    api: 'v2',
    valuesOn: 'read',
    nativeRotate: false,
    async create(fakeOptions = {}, clientOptions = {}) {
      const fake = await fakeFor(fakeOptions);
      const options = { ...noWait, clock: fakeOptions.clock, ...clientOptions, ...fake.clientOptions };
      return {
        fake,
        backend: new CustomTokenClient(options),
        usageSource: new CostClient(options),
        close: () => fake.close(),
      };
    },
  },
  {
    api: 'v3',
    valuesOn: 'create',
    nativeRotate: true,
    async create(fakeOptions = {}, clientOptions = {}) {
      const fake = await fakeFor(fakeOptions);
      const client = new ManagementKeyClient({
        ...noWait,
        clock: fakeOptions.clock,
        ...clientOptions,
        ...fake.managementClientOptions,
      });
      const clock = fakeOptions.clock;
      return {
        fake,
        backend: new ManagementKeyBackend(client, clock ? { clock } : {}),
        usageSource: client,
        close: () => fake.close(),
      };
    },
  },
];
