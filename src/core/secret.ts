import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

// Web-standard on purpose (no node:crypto / node:util): the root entry runs on edge runtimes, and
// `fingerprint` must stay synchronous, which crypto.subtle is not.
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const digest = (text: string): Uint8Array => sha256(utf8ToBytes(text));

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
    this.#fingerprint ??= bytesToHex(digest(this.reveal())).slice(0, 8);
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
    // Digests have one length whatever the values: compare all their bytes, never stopping early.
    const x = digest(a);
    const y = digest(b);
    let diff = a.length ^ b.length;
    for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
    return diff === 0;
  }
  toString(): string {
    return `[secret fp:${this.fingerprint}]`;
  }
  toJSON(): string {
    return this.toString();
  }
  /** What `util.inspect` and `console.log` print (Node, Bun and Deno read this symbol). */
  [INSPECT](): string {
    return `Secret(${this.toString()})`;
  }
  /** True for a `Secret` from any copy of this package. */
  static isSecret(value: unknown): value is Secret {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
