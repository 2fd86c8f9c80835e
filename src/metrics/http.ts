// What every API client records: requests by status class, retries, 429 answers and durations.
// Attributes are the HTTP method and the status class only: never a path (it holds token names
// and ids), a key or a value.
import type { MeterProvider } from '@opentelemetry/api';
import { MeterBinding, statusClass } from './meter.js';

/** Upper bounds of the duration histogram (seconds): Eden answers in tens of ms to a few seconds. */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The recorder one client's request pipeline calls: one line per attempt, one per retry. */
export class HttpMetrics {
  readonly #binding;

  constructor(meterProvider?: MeterProvider) {
    this.#binding = new MeterBinding(meterProvider, (meter) => ({
      requests: meter.createCounter('edenai.client.requests', {
        description: 'HTTP attempts sent to Eden AI, by method and status class (error: no answer)',
        unit: '{request}',
      }),
      retries: meter.createCounter('edenai.client.retries', {
        description: 'Attempts retried, by method and the status class of the attempt that failed',
        unit: '{retry}',
      }),
      rateLimited: meter.createCounter('edenai.client.rate_limited', {
        description: '429 answers from Eden AI',
        unit: '{response}',
      }),
      duration: meter.createHistogram('edenai.client.request.duration', {
        description: 'Duration of one HTTP attempt, body read included',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
    }));
  }

  /** One attempt ended: `status` undefined when no answer came (timeout, connection error). */
  attempt(method: string, status: number | undefined, seconds: number): void {
    const i = this.#binding.instruments;
    const attributes = { method, status_class: statusClass(status) };
    i.requests.add(1, attributes);
    i.duration.record(seconds, attributes);
    if (status === 429) i.rateLimited.add(1, { method });
  }

  /** A failed attempt will be retried. */
  retry(method: string, status: number | undefined): void {
    this.#binding.instruments.retries.add(1, { method, status_class: statusClass(status) });
  }
}
