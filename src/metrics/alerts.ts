// What each AlertSystem run records: the alerts whose condition holds, and the alerts delivered,
// by environment, kind and severity (bounded sets: never a token name or a message).
import type { MeterProvider } from '@opentelemetry/api';
import type { Alert } from '../ports/notifier.js';
import { MeterBinding } from './meter.js';

type Key = string;

function attributesOf(a: Alert) {
  return { environment: a.environment, kind: a.kind, severity: a.severity };
}

function count(
  alerts: readonly Alert[],
): Map<Key, { attributes: ReturnType<typeof attributesOf>; n: number }> {
  const out = new Map<Key, { attributes: ReturnType<typeof attributesOf>; n: number }>();
  for (const a of alerts) {
    const key = `${a.environment}\u0000${a.kind}\u0000${a.severity}`;
    const entry = out.get(key) ?? { attributes: attributesOf(a), n: 0 };
    entry.n++;
    out.set(key, entry);
  }
  return out;
}

/** The recorder AlertSystem.run() calls once per run. */
export class AlertMetrics {
  readonly #binding;
  /** Combinations raised before: set back to 0 when their alerts resolve, so the series does not stick. */
  readonly #seen = new Map<Key, ReturnType<typeof attributesOf>>();

  constructor(meterProvider?: MeterProvider) {
    this.#binding = new MeterBinding(meterProvider, (meter) => ({
      raised: meter.createGauge('edenai.alerts.raised', {
        description: 'Alerts whose condition held at the last run (new or already sent)',
        unit: '{alert}',
      }),
      delivered: meter.createCounter('edenai.alerts.delivered', {
        description: 'Alerts delivered by at least one notifier',
        unit: '{alert}',
      }),
    }));
  }

  record(raised: readonly Alert[], delivered: readonly Alert[]): void {
    const i = this.#binding.instruments;
    const now = count(raised);
    for (const [key, attributes] of this.#seen) if (!now.has(key)) i.raised.record(0, attributes);
    for (const [key, { attributes, n }] of now) {
      i.raised.record(n, attributes);
      this.#seen.set(key, attributes);
    }
    for (const { attributes, n } of count(delivered).values()) i.delivered.add(n, attributes);
  }
}
