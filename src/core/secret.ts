import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

// Brand shared by every copy of the package (ESM and CJS), so `isSecret` works across them.
const BRAND = Symbol.for('edenai-token-manager.secret');

/**
 * Holds a token value. Printing, logging or serialising it shows only a redacted form with a short
 * fingerprint (`[secret fp:1a2b3c4d]`); call `reveal()` to read the value.
 *
 * @example
 * const s = new Secret('sk-live-123');
 * JSON.stringify({ s }); // '{"s":"[secret fp:5f1d…]"}'
 * s.reveal();            // 'sk-live-123'
 */
export class Secret {
  readonly #value: string;
  #fingerprint: string | undefined;
  /** @internal */
  readonly [BRAND] = true;
  constructor(value: string) {
    if (typeof value !== 'string' || value.length === 0)
      throw new TypeError('Secret value must be a non-empty string');
    this.#value = value;
  }
  /** SHA-256 based, 8 hex chars: lets humans tell two secrets apart without seeing them. Computed on first use. */
  get fingerprint(): string {
    this.#fingerprint ??= createHash('sha256').update(this.reveal()).digest('hex').slice(0, 8);
    return this.#fingerprint;
  }
  /** Returns the raw value. The only way to get it. */
  reveal(): string {
    return this.#value;
  }
  /** Constant-time-ish equality against another secret or raw value. */
  equals(other: Secret | string): boolean {
    const a = this.reveal();
    const b = typeof other === 'string' ? other : other.reveal();
    return (
      a.length === b.length &&
      createHash('sha256').update(a).digest().equals(createHash('sha256').update(b).digest())
    );
  }
  toString(): string {
    return `[secret fp:${this.fingerprint}]`;
  }
  toJSON(): string {
    return this.toString();
  }
  [inspect.custom](): string {
    return `Secret(${this.toString()})`;
  }
  /** True for a `Secret` from any copy of this package. */
  static isSecret(value: unknown): value is Secret {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
