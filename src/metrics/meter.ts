// The one place that finds the OpenTelemetry meter. The SDK depends on `@opentelemetry/api` only,
// as OpenTelemetry asks of libraries: every instrument is a no-op until the application registers
// an SDK (or passes its own `meterProvider`).
import { type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import { ConfigurationError } from '../core/errors.js';

/** The instrumentation scope every instrument of the SDK is created under. */
export const METER_NAME = 'edenai-token-manager';

/**
 * Instruments built on the meter of the provider in use: `meterProvider` when given, else the
 * global one. The global provider is looked up again on each use (one property read), so an SDK
 * registered after a client was built still receives its measurements.
 */
export class MeterBinding<T> {
  readonly #override: MeterProvider | undefined;
  readonly #build: (meter: Meter) => T;
  #provider: MeterProvider | undefined;
  #instruments: T | undefined;

  constructor(meterProvider: MeterProvider | undefined, build: (meter: Meter) => T) {
    assertMeterProvider(meterProvider);
    this.#override = meterProvider;
    this.#build = build;
  }

  get instruments(): T {
    const provider = this.#override ?? metrics.getMeterProvider();
    if (provider !== this.#provider || this.#instruments === undefined) {
      this.#provider = provider;
      this.#instruments = this.#build(provider.getMeter(METER_NAME));
    }
    return this.#instruments;
  }
}

/** A `meterProvider` option must be one: a typo must fail at construction, not at the first request. */
export function assertMeterProvider(value: unknown): asserts value is MeterProvider | undefined {
  if (value === undefined) return;
  if (typeof (value as MeterProvider | null)?.getMeter !== 'function') {
    throw new ConfigurationError('meterProvider must be an OpenTelemetry MeterProvider (with getMeter)');
  }
}

/** `200` → `2xx`; no answer at all (timeout, connection error) → `error`. Bounded: six values. */
export function statusClass(status: number | undefined): string {
  if (status === undefined || status < 100 || status > 599) return 'error';
  return `${Math.floor(status / 100)}xx`;
}
