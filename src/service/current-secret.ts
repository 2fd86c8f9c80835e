// The service side of rotation: a running service (or a serverless function) reads its token's
// current value from the secret store, keeps it, and picks up the new one during the grace
// period — on a refresh interval, on demand, and at once when Eden answers 401 to the old one.
import { AuthenticationError, ConfigurationError, InvalidInputError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import { type Clock, systemClock } from '../core/types.js';
import type { SecretStore } from '../ports/stores.js';

const DEFAULT_REFRESH_EVERY_MS = 60_000;

interface Cached {
  value: Secret;
  version: string;
  readAt: number;
}

/**
 * Options of `new CurrentSecret(options)`.
 *
 * @example
 * const options: CurrentSecretOptions = { secrets, key: 'edenai/prod-web-app', refreshEveryMs: 30_000 };
 */
export interface CurrentSecretOptions {
  /** The store the rotation writes to (the registry's `secrets`), or a read-only view of it. */
  secrets: Pick<SecretStore, 'get'>;
  /** The entry's key: the managed token's `secretRef` (`edenai/prod-web-app`). */
  key: string;
  /**
   * Re-read the store on the first use after the cached value is this old (no timer runs, so a
   * serverless function pays nothing between calls). Default 60 000 ms; 0 reads on every use.
   * Keep it well inside the rotation's grace period.
   */
  refreshEveryMs?: number;
  /**
   * Whether an error thrown by your call means "this value is no longer accepted". Default: an
   * `AuthenticationError`, or any error with `status` 401 (a `fetch` wrapper's, an SDK's).
   */
  isUnauthorized?: (error: unknown) => boolean;
  clock?: Clock;
}

function defaultIsUnauthorized(error: unknown): boolean {
  return error instanceof AuthenticationError || (error as { status?: unknown } | null)?.status === 401;
}

/**
 * A token's current value, served from the secret store and cached. `use(call)` runs your call
 * with it; when the call is refused with a 401 (the rotation revoked the old value), the store is
 * read again at once and, if it holds a newer value, the call runs once more with it. So a
 * service never needs a restart to follow a rotation, and no call fails because of one.
 *
 * @example
 * const token = new CurrentSecret({ secrets, key: registry.secretRefFor('prod-web-app') });
 * const answer = await token.use((secret) => callEden(secret.reveal(), prompt));
 */
export class CurrentSecret {
  readonly #secrets: Pick<SecretStore, 'get'>;
  readonly #key: string;
  readonly #refreshEveryMs: number;
  readonly #isUnauthorized: (error: unknown) => boolean;
  readonly #clock: Clock;
  #cached: Cached | undefined;
  /** One read in flight, shared by concurrent callers. */
  #reading: Promise<Cached> | undefined;

  constructor(options: CurrentSecretOptions) {
    if (typeof options?.secrets?.get !== 'function')
      throw new ConfigurationError('CurrentSecret `secrets` must be a SecretStore (with get)');
    if (typeof options.key !== 'string' || options.key === '')
      throw new InvalidInputError('CurrentSecret `key` must be the secret store key (a secretRef)', {
        field: 'key',
      });
    const every = options.refreshEveryMs ?? DEFAULT_REFRESH_EVERY_MS;
    if (!(Number.isFinite(every) && every >= 0))
      throw new InvalidInputError(`refreshEveryMs must be a number of ms ≥ 0, got ${String(every)}`, {
        field: 'refreshEveryMs',
      });
    this.#secrets = options.secrets;
    this.#key = options.key;
    this.#refreshEveryMs = every;
    this.#isUnauthorized = options.isUnauthorized ?? defaultIsUnauthorized;
    this.#clock = options.clock ?? systemClock;
  }

  /** The store version of the cached value (`undefined` before the first read). */
  get version(): string | undefined {
    return this.#cached?.version;
  }

  /** The current value: the cached one, or a fresh read when it is older than `refreshEveryMs`. */
  async get(): Promise<Secret> {
    return (await this.#current()).value;
  }

  /** Reads the store now (concurrent calls share one read). */
  async refresh(): Promise<Secret> {
    return (await this.#refresh()).value;
  }

  /**
   * Runs `call` with the current value; on a 401, reads the store again and, when it holds another
   * version, runs `call` once more with it. Other errors, and a 401 with no newer value, propagate.
   */
  async use<T>(call: (secret: Secret) => Promise<T>): Promise<T> {
    const used = await this.#current();
    try {
      return await call(used.value);
    } catch (error) {
      if (!this.#isUnauthorized(error)) throw error;
      const fresh = await this.#refresh();
      if (fresh.version === used.version) throw error;
      return call(fresh.value);
    }
  }

  #current(): Promise<Cached> {
    const cached = this.#cached;
    if (cached && this.#clock().getTime() - cached.readAt < this.#refreshEveryMs)
      return Promise.resolve(cached);
    return this.#refresh();
  }

  #refresh(): Promise<Cached> {
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #read(): Promise<Cached> {
    const entry = await this.#secrets.get(this.#key);
    if (!entry)
      throw new ConfigurationError(
        `The secret store has no entry "${this.#key}": is the token created, and is this its secretRef?`,
      );
    this.#cached = { value: entry.value, version: entry.version, readAt: this.#clock().getTime() };
    return this.#cached;
  }
}
