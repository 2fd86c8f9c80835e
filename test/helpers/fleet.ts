// A fleet on the fake Eden AI with the real OpenTelemetry SDK: an in-memory reader collects what
// the SDK recorded, and `secrets()` lists everything that must never show up in a metric.
import { MeterProvider, type MetricData, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlertSystem,
  CallbackNotifier,
  CustomTokenClient,
  FleetMetrics,
  ListCacheBackend,
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  TokenRegistry,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';

export const START = new Date('2026-03-01T00:00:00Z');
export const DAY = 86_400_000;

/** Collects on demand: the in-memory reader the OpenTelemetry docs suggest for tests. */
export class MemoryReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export async function collect(reader: MetricReader): Promise<MetricData[]> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
}

export function points(data: MetricData[], name: string) {
  const metric = data.find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as { attributes: Record<string, unknown>; value: unknown }[];
}

export const ENVIRONMENTS = {
  dev: { tokenType: 'sandbox_api_token' as const },
  prod: { budget: { default: 500, max: 2000 }, expiry: { defaultDays: 90, maxDays: 180 } },
};

export interface Fleet {
  fake: FakeEdenAI;
  clock: { now: Date; (): Date };
  provider: MeterProvider;
  reader: MetricReader;
  registry: TokenRegistry;
  rotation: RotationManager;
  alerts: AlertSystem;
  metrics: FleetMetrics;
  state: MemoryStateStore;
  /** Token values, the API key and value fingerprints: none may appear in a metric. */
  secrets(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * One process of the job, its metrics going to `reader` (default: a new in-memory reader).
 * `shared` makes a second process on the same account and stores.
 */
export async function openFleet(options: { shared?: Fleet; reader?: MetricReader } = {}): Promise<Fleet> {
  const { shared } = options;
  const clock: Fleet['clock'] = shared?.clock ?? Object.assign(() => clock.now, { now: START });
  const fake = shared?.fake ?? (await createFakeEdenAI({ listen: false, clock }));
  const reader = options.reader ?? new MemoryReader();
  const provider = new MeterProvider({ readers: [reader] });
  const client = new CustomTokenClient({
    ...fake.clientOptions,
    retryDelay: () => 0,
    clock,
    meterProvider: provider,
  });
  const secrets = shared ? (shared.registry.secrets as MemorySecretStore) : new MemorySecretStore();
  const state = shared?.state ?? new MemoryStateStore();
  const registry = new TokenRegistry({
    backend: new ListCacheBackend(client),
    secrets,
    environments: ENVIRONMENTS,
    clock,
  });
  const rotation = new RotationManager({ registry, state, clock, gracePeriodMs: DAY });
  const alerts = new AlertSystem({
    registry,
    rotations: rotation,
    notifiers: [new CallbackNotifier(async () => {})],
    state,
    clock,
    meterProvider: provider,
  });
  const metrics = new FleetMetrics({ meterProvider: provider, clock });
  return {
    fake,
    clock,
    provider,
    reader,
    registry,
    rotation,
    alerts,
    metrics,
    state,
    async secrets() {
      const out = [fake.apiKey];
      for (const t of fake.tokens()) {
        const value = fake.tokenValue(t.name);
        if (value) out.push(value);
      }
      for (const key of await secrets.list()) {
        const entry = await secrets.get(key);
        if (entry) out.push(entry.value.reveal(), entry.value.fingerprint);
      }
      return out;
    },
    async close() {
      await provider.shutdown();
      if (!shared) await fake.close();
    },
  };
}
