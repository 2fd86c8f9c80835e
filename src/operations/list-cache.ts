// A backend that answers repeated `list()` calls of one reconcile pass from one request. The
// pass's steps (plan, rotateExpiring, alerts, metrics) each read the whole fleet; without this
// a pass with nothing to do would list it four times.

import type { Secret } from '../core/secret.js';
import type { RequestOptions } from '../core/types.js';
import type { CreateTokenInput, EdenToken, TokenBackend, UpdateTokenInput } from '../ports/backend.js';

/**
 * Wraps a backend so that, inside {@link ListCacheBackend.hold} (which `reconcile` opens for its
 * pass), `list()` is sent once and shared until a write (create, update, delete, rotate) through
 * this backend. Outside a pass every call goes straight through. A change made by another process
 * during a pass is seen by the next pass.
 *
 * @example
 * const backend = new ListCacheBackend(new CustomTokenClient());
 * const registry = new TokenRegistry({ backend, secrets, environments });
 * await reconcile({ registry, rotation, rotateWithinDays: 7 }); // one list for the whole pass
 */
export class ListCacheBackend implements TokenBackend {
  readonly #inner: TokenBackend;
  /** Open passes (they may overlap in one process). */
  #holds = 0;
  /** Bumped around every write: a list that may have missed the write is not reused. */
  #epoch = 0;
  #memo: { epoch: number; list: Promise<EdenToken[]> } | undefined;
  /** Present when the wrapped backend rotates natively (v3). */
  readonly rotate?: (name: string, options?: RequestOptions) => Promise<EdenToken & { secret: Secret }>;

  constructor(inner: TokenBackend) {
    this.#inner = inner;
    if (typeof inner.rotate === 'function') {
      this.rotate = (name, options) => this.#write(() => inner.rotate!(name, options));
    }
  }

  /** Runs `work` with `list()` cached; the cache is dropped when the last open pass ends. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.#holds++;
    try {
      return await work();
    } finally {
      if (--this.#holds === 0) this.#memo = undefined;
    }
  }

  async list(options?: RequestOptions): Promise<EdenToken[]> {
    if (this.#holds === 0) return this.#inner.list(options);
    let memo = this.#memo;
    if (memo?.epoch !== this.#epoch) {
      const list = this.#inner.list(options);
      memo = { epoch: this.#epoch, list };
      this.#memo = memo;
      // A failed or aborted list is not shared: the next caller sends its own.
      list.catch(() => {
        if (this.#memo === memo) this.#memo = undefined;
      });
    }
    return [...(await memo.list)];
  }

  get(name: string, options?: RequestOptions): Promise<EdenToken> {
    return this.#inner.get(name, options);
  }

  create(input: CreateTokenInput, options?: RequestOptions): Promise<EdenToken> {
    return this.#write(() => this.#inner.create(input, options));
  }

  update(name: string, patch: UpdateTokenInput, options?: RequestOptions): Promise<EdenToken> {
    return this.#write(() => this.#inner.update(name, patch, options));
  }

  delete(name: string, options?: RequestOptions): Promise<void> {
    return this.#write(() => this.#inner.delete(name, options));
  }

  async #write<T>(work: () => Promise<T>): Promise<T> {
    this.#epoch++;
    try {
      return await work();
    } finally {
      this.#epoch++;
      this.#memo = undefined;
    }
  }
}
