// The SDK's OpenTelemetry metrics, read back through the real SDK (an in-memory reader): client
// counters on the fake's faults, fleet gauges and alert counts after a reconcile pass, bounded
// attributes and no secret anywhere in an exported point.
import { metrics } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CustomTokenClient, reconcile } from 'edenai-token-manager';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, DAY, MemoryReader, openFleet, points } from '../helpers/fleet.js';

const ALLOWED_ATTRIBUTES = new Set([
  'environment',
  'token',
  'kind',
  'severity',
  'state',
  'method',
  'status_class',
]);

describe('client metrics', () => {
  afterEach(() => metrics.disable());

  it('counts attempts by status class, retries, 429 answers, and times each attempt', async () => {
    const fake = await createFakeEdenAI({ listen: false });
    const reader = new MemoryReader();
    const provider = new MeterProvider({ readers: [reader] });
    const client = new CustomTokenClient({
      ...fake.clientOptions,
      retryDelay: () => 0,
      meterProvider: provider,
    });
    fake.inject({ kind: 'rateLimit', retryAfterSeconds: 0, match: { method: 'GET' } });
    fake.inject({ kind: 'status', status: 503, match: { method: 'GET' } });
    await client.list();
    const data = await collect(reader);
    const requests = points(data, 'edenai.client.requests');
    const byClass = Object.fromEntries(requests.map((p) => [p.attributes['status_class'], p.value]));
    expect(byClass).toEqual({ '4xx': 1, '5xx': 1, '2xx': 1 });
    expect(requests.every((p) => p.attributes['method'] === 'GET')).toBe(true);
    expect(points(data, 'edenai.client.rate_limited')).toEqual([
      expect.objectContaining({ attributes: { method: 'GET' }, value: 1 }),
    ]);
    const retries = points(data, 'edenai.client.retries').map((p) => [p.attributes['status_class'], p.value]);
    expect(Object.fromEntries(retries)).toEqual({ '4xx': 1, '5xx': 1 });
    const durations = points(data, 'edenai.client.request.duration') as { value: { count: number } }[];
    expect(durations.reduce((n, p) => n + p.value.count, 0)).toBe(3);
    await provider.shutdown();
    await fake.close();
  });

  it('uses the global provider by default, even one registered after the client was built', async () => {
    const fake = await createFakeEdenAI({ listen: false });
    const client = new CustomTokenClient({ ...fake.clientOptions });
    const reader = new MemoryReader();
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    await client.list();
    const requests = points(await collect(reader), 'edenai.client.requests');
    expect(requests.map((p) => p.value)).toEqual([1]);
    await provider.shutdown();
    await fake.close();
  });

  it('refuses a meterProvider that is not one', () => {
    expect(() => new CustomTokenClient({ apiKey: 'k', meterProvider: {} as never })).toThrow(/MeterProvider/);
  });
});

describe('fleet and alert metrics after a reconcile pass', () => {
  it('reports each logical token, its budget use, expiry and rotation state, and the alerts', async () => {
    const f = await openFleet();
    await f.registry.create({ environment: 'prod', app: 'web-app', budget: 500, expiresInDays: 60 });
    await f.registry.create({ environment: 'prod', app: 'api', budget: 100, expiresInDays: 5 });
    await f.registry.create({ environment: 'dev', app: 'test' });
    f.fake.simulateUsage({ token: 'prod-web-app', cost: 450 });

    const summary = await reconcile({
      registry: f.registry,
      rotation: f.rotation,
      alerts: f.alerts,
      rotateWithinDays: 7,
      metrics: f.metrics,
    });
    expect(summary.rotated).toEqual(['prod-api']);
    const data = await collect(f.reader);

    const of = (name: string, token: string) =>
      points(data, name).filter((p) => p.attributes['token'] === token);
    expect(of('edenai.token.budget', 'prod-web-app')[0]?.value).toBe(500);
    expect(of('edenai.token.balance', 'prod-web-app')[0]?.value).toBe(50);
    expect(of('edenai.token.budget.used', 'prod-web-app')[0]?.value).toBeCloseTo(0.9);
    expect(of('edenai.token.expiry', 'prod-web-app')[0]?.value).toBe((60 * DAY) / 1000);
    // The rotated token keeps its logical name (never `prod-api--g2`) and is in its grace period.
    const states = Object.fromEntries(
      of('edenai.token.rotation.state', 'prod-api').map((p) => [p.attributes['state'], p.value]),
    );
    expect(states).toEqual({ idle: 0, grace: 1, failed: 0 });
    // An unlimited token has no budget series, but its expiry and state are there.
    expect(of('edenai.token.budget', 'dev-test')).toEqual([]);
    expect(of('edenai.token.rotation.state', 'dev-test')).toHaveLength(3);

    const raised = points(data, 'edenai.alerts.raised');
    expect(raised.some((p) => p.attributes['kind'] === 'low-balance' && p.value === 1)).toBe(true);
    const delivered = points(data, 'edenai.alerts.delivered');
    expect(delivered.reduce((n, p) => n + (p.value as number), 0)).toBe(summary.alerts?.sent);

    // Bounded attributes, and no value, key or fingerprint in any exported point.
    const secrets = await f.secrets();
    expect(secrets.length).toBeGreaterThan(4);
    for (const metric of data) {
      for (const p of metric.dataPoints) {
        for (const key of Object.keys(p.attributes)) expect(ALLOWED_ATTRIBUTES).toContain(key);
        const text = JSON.stringify(p);
        for (const s of secrets) expect(text).not.toContain(s);
        expect(text).not.toMatch(/--g\d/);
      }
    }
    await f.close();
  });

  it('sets an alert series back to 0 when its condition resolves', async () => {
    const f = await openFleet();
    await f.registry.create({ environment: 'prod', app: 'web-app', budget: 500, expiresInDays: 60 });
    f.fake.simulateUsage({ token: 'prod-web-app', cost: 450 });
    await reconcile({ registry: f.registry, rotation: f.rotation, alerts: f.alerts, rotateWithinDays: 7 });
    await f.registry.setBudget('prod-web-app', 500);
    await reconcile({ registry: f.registry, rotation: f.rotation, alerts: f.alerts, rotateWithinDays: 7 });
    const low = points(await collect(f.reader), 'edenai.alerts.raised').filter(
      (p) => p.attributes['kind'] === 'low-balance',
    );
    expect(low.map((p) => p.value)).toEqual([0]);
    await f.close();
  });
});
