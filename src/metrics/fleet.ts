// Per managed logical token gauges: balance, allocated budget, share of the budget used, time to
// expiry and rotation state. They are observable gauges fed by `FleetMetrics.record`, which the
// reconcile pass calls with the list it already made: reading a metric never sends a request.
import type { MeterProvider } from '@opentelemetry/api';
import { type Clock, systemClock } from '../core/types.js';
import { MeterBinding } from './meter.js';

/** What a gauge needs of a managed token (a `ManagedToken` fits): names and amounts, never a value. */
export interface FleetToken {
  /** The logical name (`prod-web-app`), stable across rotations: never a generation's name. */
  name: string;
  environment: string;
  /** USD allocated; `null`: unlimited or unknown (no budget gauges then). */
  budget: number | null;
  /** USD left; `null`: unlimited. */
  balance: number | null;
  expireTime: Date | null;
}

/** Where a token's rotation stands, as the `state` attribute of `edenai.token.rotation.state`. */
export type FleetRotationState = 'idle' | 'grace' | 'failed';

const ROTATION_STATES: readonly FleetRotationState[] = ['idle', 'grace', 'failed'];

/**
 * Rotations that are not idle, by logical name. A name in both lists is reported `failed`.
 *
 * @example
 * const rotations: FleetRotations = { grace: ['prod-web-app'], failed: [] };
 */
export interface FleetRotations {
  grace?: Iterable<string>;
  failed?: Iterable<string>;
}

/**
 * Options of `new FleetMetrics(options)`.
 *
 * @example
 * const options: FleetMetricsOptions = { meterProvider, clock: () => new Date() };
 */
export interface FleetMetricsOptions {
  /** Default: the global provider (a no-op until the application registers an OpenTelemetry SDK). */
  meterProvider?: MeterProvider;
  /** Reads "now" when a gauge is collected (time to expiry). Default: the system clock. */
  clock?: Clock;
}

interface Row {
  attributes: { environment: string; token: string };
  token: FleetToken;
  rotation: FleetRotationState;
}

/**
 * The fleet's gauges, one series per managed logical token, holding the last recorded list.
 * Attributes: `environment` and `token` (the logical name), plus `state` on the rotation gauge.
 *
 * @example
 * const fleet = new FleetMetrics();
 * fleet.record(await registry.list(), { failed: (await rotation.failures()).map((f) => f.name) });
 * // or let `reconcile({ ..., metrics: fleet })` record it on every pass
 */
export class FleetMetrics {
  readonly #binding;
  readonly #clock: Clock;
  #rows: Row[] = [];

  constructor(options: FleetMetricsOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#binding = new MeterBinding(options.meterProvider, (meter) => {
      const gauges = {
        balance: meter.createObservableGauge('edenai.token.balance', {
          description: 'USD left on the current generation of a managed token',
          unit: 'USD',
        }),
        budget: meter.createObservableGauge('edenai.token.budget', {
          description: 'USD allocated to a managed token (kept across rotations)',
          unit: 'USD',
        }),
        used: meter.createObservableGauge('edenai.token.budget.used', {
          description: 'Share of the allocated budget spent, 0 to 1',
          unit: '1',
        }),
        expiry: meter.createObservableGauge('edenai.token.expiry', {
          description: 'Seconds until the current generation expires (negative: expired)',
          unit: 's',
        }),
        rotation: meter.createObservableGauge('edenai.token.rotation.state', {
          description: 'Rotation state of a managed token: 1 for its state, 0 for the others',
          unit: '1',
        }),
      };
      meter.addBatchObservableCallback((observer) => {
        const now = this.#clock().getTime();
        for (const { attributes, token, rotation } of this.#rows) {
          const { budget, balance, expireTime } = token;
          if (balance !== null) observer.observe(gauges.balance, balance, attributes);
          if (budget !== null) observer.observe(gauges.budget, budget, attributes);
          if (budget !== null && budget > 0 && balance !== null) {
            observer.observe(gauges.used, Math.min(1, Math.max(0, (budget - balance) / budget)), attributes);
          }
          if (expireTime !== null) {
            observer.observe(gauges.expiry, Math.round((expireTime.getTime() - now) / 1000), attributes);
          }
          for (const state of ROTATION_STATES) {
            observer.observe(gauges.rotation, state === rotation ? 1 : 0, { ...attributes, state });
          }
        }
      }, Object.values(gauges));
      return gauges;
    });
  }

  /** Replaces the recorded fleet; the gauges report it at the next collection. */
  record(tokens: readonly FleetToken[], rotations: FleetRotations = {}): void {
    const failed = new Set(rotations.failed ?? []);
    const grace = new Set(rotations.grace ?? []);
    this.#rows = tokens.map((token) => ({
      attributes: { environment: token.environment, token: token.name },
      token: {
        name: token.name,
        environment: token.environment,
        budget: token.budget,
        balance: token.balance,
        expireTime: token.expireTime,
      },
      rotation: failed.has(token.name) ? 'failed' : grace.has(token.name) ? 'grace' : 'idle',
    }));
    // Binds the gauges (once per provider): before the first record there is nothing to report.
    void this.#binding.instruments;
  }
}
