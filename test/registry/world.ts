// Test worlds for the registry: the same scenarios run on the in-memory double or the fake server.
import type { CreateTokenInput, EdenToken } from '../../src/backend/port.js';
import { CustomTokenClient } from '../../src/client/index.js';
import type { Logger } from '../../src/core/types.js';
import type { EnvironmentPolicyInput } from '../../src/registry/policy.js';
import { TokenRegistry } from '../../src/registry/registry.js';
import { MemorySecretStore } from '../../src/secrets/memory.js';
import { createFakeEdenAI, type FakeEdenAI } from '../../src/testing/index.js';
import { MemoryBackend, type MemoryBackendOptions } from '../helpers/memory-backend.js';

export const NOW = new Date('2026-01-15T12:00:00.000Z');
export const DAY = 86_400_000;

export const ENVIRONMENTS = {
  dev: { tokenType: 'sandbox_api_token' },
  staging: { budget: { default: 50, max: 100 }, expiry: { defaultDays: 90 } },
  prod: {
    budget: { default: 500, max: 2000, resetPeriod: 'monthly' },
    expiry: { required: true, defaultDays: 90, maxDays: 180 },
  },
  // Overlaps `prod` as a prefix on purpose.
  'prod-eu': { budget: { required: true }, expiry: { maxDays: 30 } },
} as const;

/** A clock tests move by hand. */
export function manualClock(start = NOW) {
  let now = start.getTime();
  const clock = () => new Date(now);
  return Object.assign(clock, {
    advanceDays(days: number) {
      now += days * DAY;
    },
  });
}

/** A logger that keeps every line, to prove no value reaches a log. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    void lines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

export interface MemoryWorld {
  registry: TokenRegistry;
  backend: MemoryBackend;
  secrets: MemorySecretStore;
  clock: ReturnType<typeof manualClock>;
  logger: ReturnType<typeof recordingLogger>;
}

export function memoryWorld(
  options: MemoryBackendOptions & { seed?: (Partial<EdenToken> & { name: string })[] } = {},
): MemoryWorld {
  const backend = new MemoryBackend(options);
  if (options.seed) backend.seed(...options.seed);
  const secrets = new MemorySecretStore();
  const clock = manualClock();
  const logger = recordingLogger();
  const registry = new TokenRegistry({ backend, secrets, environments: ENVIRONMENTS, clock, logger });
  return { registry, backend, secrets, clock, logger };
}

export interface FakeWorld {
  registry: TokenRegistry;
  client: CustomTokenClient;
  fake: FakeEdenAI;
  secrets: MemorySecretStore;
  clock: ReturnType<typeof manualClock>;
  logger: ReturnType<typeof recordingLogger>;
  /** Requests other than GET since the last `fake.resetRequestLog()`. */
  writes(): string[];
}

/**
 * The registry on the real client against the fake Eden AI server (in-process fetch, no socket).
 * Retries wait for nothing: tests never sleep.
 */
export async function fakeWorld(
  options: {
    tokenValues?: 'readable' | 'masked';
    seed?: CreateTokenInput[];
    environments?: Record<string, EnvironmentPolicyInput>;
  } = {},
): Promise<FakeWorld> {
  const clock = manualClock();
  const fake = await createFakeEdenAI({
    listen: false,
    clock,
    ...(options.tokenValues && { tokenValues: options.tokenValues }),
  });
  const client = new CustomTokenClient({ ...fake.clientOptions, sleep: async () => {}, clock });
  for (const t of options.seed ?? []) await client.create(t);
  fake.resetRequestLog();
  const secrets = new MemorySecretStore();
  const logger = recordingLogger();
  const environments = options.environments ?? ENVIRONMENTS;
  const registry = new TokenRegistry({ backend: client, secrets, environments, clock, logger });
  const writes = () => fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  return { registry, client, fake, secrets, clock, logger, writes };
}
