// Test worlds for the registry: the same scenarios run on the in-memory double or the fake server.
import type {
  CreateTokenInput,
  EdenToken,
  EnvironmentPolicyInput,
  Logger,
  TokenBackend,
} from 'edenai-token-manager';
import { MemorySecretStore, TokenRegistry } from 'edenai-token-manager';
import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { BACKENDS, type BackendCase } from '../helpers/backends.js';
import { MemoryBackend, type MemoryBackendOptions } from '../helpers/memory-backend.js';

export type Api = BackendCase['api'];
/** Both APIs, for `describe.each(APIS)('... on %s', (api) => ...)`. */
export const APIS: readonly Api[] = BACKENDS.map((b) => b.api);

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
    set(ms: number) {
      now = ms;
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
  api: Api;
  /** Where token values show up: on reads (v2) or only in the create answer (v3). */
  valuesOn: BackendCase['valuesOn'];
  registry: TokenRegistry;
  /** The registry's backend: `CustomTokenClient` (v2) or `ManagementKeyBackend` (v3). */
  backend: TokenBackend;
  fake: FakeEdenAI;
  secrets: MemorySecretStore;
  clock: ReturnType<typeof manualClock>;
  logger: ReturnType<typeof recordingLogger>;
  /**
   * Requests since the last `fake.resetRequestLog()`, named the same on both APIs: `GET` (a list),
   * `GET prod-web`, `PATCH prod-web`, `POST` (a create).
   */
  requests(): string[];
  /** The same without the reads. */
  writes(): string[];
  /** Another process's backend on the same account (its own caches), for changes made behind the registry's back. */
  elsewhere: TokenBackend;
  /** Matches the requests that address `name`'s resource, for `fake.inject({ match: { path } })`. */
  tokenPath(name: string): RegExp;
  close(): Promise<void>;
}

/**
 * The registry on a real client against the fake Eden AI server (in-process fetch, no socket),
 * on v2 (`CustomTokenClient`) or v3 (`ManagementKeyBackend`). Retries wait for nothing: tests
 * never sleep. Seeds are created through the backend, then the request log is cleared; v3 wants
 * an expiry at least a day ahead, so seeds expiring sooner are created earlier on the clock.
 */
export async function fakeWorld(
  options: {
    api?: Api;
    tokenValues?: 'readable' | 'masked';
    seed?: CreateTokenInput[];
    environments?: Record<string, EnvironmentPolicyInput>;
  } = {},
): Promise<FakeWorld> {
  const backendCase = BACKENDS.find((b) => b.api === (options.api ?? 'v2'))!;
  const clock = manualClock();
  const { fake, backend, close } = await backendCase.create({
    clock,
    ...(options.tokenValues && { tokenValues: options.tokenValues }),
  });
  await seed(backend, clock, options.seed ?? []);
  fake.resetRequestLog();
  const secrets = new MemorySecretStore();
  const logger = recordingLogger();
  const environments = options.environments ?? ENVIRONMENTS;
  const registry = new TokenRegistry({ backend, secrets, environments, clock, logger });
  const requests = () =>
    fake.requests.map((r) => [r.method, backendCase.tokenOf(fake, r.path)].filter(Boolean).join(' '));
  const writes = () => requests().filter((r) => !r.startsWith('GET'));
  const tokenPath = (name: string) => backendCase.tokenPath(fake, name);
  const { backend: elsewhere } = backendCase.connect(fake, clock);
  return {
    api: backendCase.api,
    valuesOn: backendCase.valuesOn,
    registry,
    backend,
    elsewhere,
    fake,
    secrets,
    clock,
    logger,
    requests,
    writes,
    tokenPath,
    close,
  };
}

async function seed(
  backend: TokenBackend,
  clock: ReturnType<typeof manualClock>,
  tokens: CreateTokenInput[],
) {
  const now = clock().getTime();
  const expiries = tokens.flatMap((t) => (t.expireTime ? [t.expireTime.getTime()] : []));
  const soonest = Math.min(now + DAY, ...expiries);
  clock.set(soonest - DAY);
  for (const t of tokens) await backend.create(t);
  clock.set(now);
}
