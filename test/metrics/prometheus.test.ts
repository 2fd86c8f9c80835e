// The fleet's metrics scraped the way Prometheus would: through @opentelemetry/exporter-prometheus
// on 127.0.0.1. The exposition text parses, carries the series the alert rules of docs/metrics.md
// use, and holds no token value, key or fingerprint.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { reconcile } from 'edenai-token-manager';
import { expect, it } from 'vitest';
import { openFleet } from '../helpers/fleet.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g;

/** Parses the text exposition format; throws on a line that is neither a comment nor a sample. */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE|UNIT) [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    let consumed = 0;
    for (const l of body.matchAll(LABEL)) {
      labels[l[1]!] = l[2]!;
      consumed += l[0].length;
    }
    if (consumed !== body.length) throw new Error(`bad labels: ${line}`);
    const value = Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`bad value: ${line}`);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

it('serves the fleet, client and alert series to a Prometheus scrape on 127.0.0.1', async () => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const f = await openFleet({ reader: exporter });
  await f.registry.create({ environment: 'prod', app: 'web-app', budget: 500, expiresInDays: 30 });
  f.fake.simulateUsage({ token: 'prod-web-app', cost: 450 });
  await reconcile({
    registry: f.registry,
    rotation: f.rotation,
    alerts: f.alerts,
    rotateWithinDays: 7,
    metrics: f.metrics,
  });

  const server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const samples = parseExposition(text);
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

    const token = { environment: 'prod', token: 'prod-web-app' };
    expect(find('edenai_token_budget_used', token)[0]?.value).toBeCloseTo(0.9);
    expect(find('edenai_token_budget', token)[0]?.value).toBe(500);
    expect(find('edenai_token_balance', token)[0]?.value).toBe(50);
    expect(find('edenai_token_expiry', token)[0]?.value).toBe(30 * 86_400);
    expect(find('edenai_token_rotation_state', { ...token, state: 'failed' })[0]?.value).toBe(0);
    expect(find('edenai_client_requests_total', { status_class: '2xx' })[0]?.value).toBeGreaterThan(0);
    expect(find('edenai_client_request_duration_count').length).toBeGreaterThan(0);
    expect(find('edenai_alerts_raised', { kind: 'low-balance', environment: 'prod' })[0]?.value).toBe(1);
    expect(find('edenai_alerts_delivered_total', { kind: 'low-balance' })[0]?.value).toBe(1);

    for (const secret of await f.secrets()) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/--g\d/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await f.close();
  }
});
