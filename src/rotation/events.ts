import type { Logger } from '../core/types.js';
import type { RotationEventName, RotationEvents, RotationListener } from './types.js';

/**
 * A tiny typed event emitter. A listener that throws is logged and ignored: an observer must
 * never break (or half-finish) a rotation.
 */
export class RotationEmitter {
  readonly #listeners = new Map<RotationEventName, Set<(payload: never) => void>>();

  constructor(private readonly logger: Logger) {}

  on<E extends RotationEventName>(event: E, listener: RotationListener<E>): void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
  }

  off<E extends RotationEventName>(event: E, listener: RotationListener<E>): void {
    this.#listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  emit<E extends RotationEventName>(event: E, payload: RotationEvents[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as RotationListener<E>)(payload);
      } catch (error) {
        this.logger.warn(`rotation event listener for ${event} threw; ignored`, {
          event,
          error: error instanceof Error ? error.name : typeof error,
        });
      }
    }
  }
}
