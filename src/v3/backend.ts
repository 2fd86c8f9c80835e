import { ConfigurationError, InvalidInputError, NotFoundError } from '../core/errors.js';
import { assertTokenName } from '../core/limits.js';
import type { Secret } from '../core/secret.js';
import { type Clock, type RequestOptions, systemClock } from '../core/types.js';
import type { CreateTokenInput, EdenToken, TokenBackend, UpdateTokenInput } from '../ports/backend.js';
import type { ManagementKeyClient } from './client.js';
import type { ManagementKey } from './types.js';

/** How long a name → id map is trusted by default (ms). */
const DEFAULT_MAX_CACHE_AGE_MS = 60_000;

/**
 * Options of {@link ManagementKeyBackend}: the client it adapts, and how it maps names to ids.
 *
 * @example
 * const options: ManagementKeyBackendOptions = { client, member: 'ops@example.com', maxCacheAgeMs: 30_000 };
 */
export interface ManagementKeyBackendOptions {
  /** The v3 client whose keys the backend exposes by name. */
  client: ManagementKeyClient;
  /**
   * Only keys of this organization member count. Names are unique per member, so in an
   * organization where several members reuse a name, set it to make names unambiguous.
   */
  member?: string;
  /** How long the name → id map is trusted before a lookup lists the keys again. Default 60 000 ms. */
  maxCacheAgeMs?: number;
  /** Time source for the cache age. Default: the system clock. */
  clock?: Clock;
}

/** What the backend calls on its client: checked at construction, not after a write landed. */
const CLIENT_METHODS = ['list', 'get', 'create', 'update', 'revoke', 'rotate'] as const;

/** A client (its methods), as opposed to an options object that holds one. */
function isClient(value: unknown): value is ManagementKeyClient {
  return typeof (value as Partial<ManagementKeyClient> | null)?.list === 'function';
}

/** The id went stale under us (renamed or revoked elsewhere): same handling as a 404. */
function gone(name: string): NotFoundError {
  return new NotFoundError(`Token "${name}" not found`, { status: 404 });
}

/** Why a legacy key (no id) is listed but never changed. */
const LEGACY_KEY_NOTE =
  'legacy key without an id: the Management API cannot address it; regenerate it in the Eden AI dashboard to manage it';

/** The port's view of a key: the v3-only fields dropped, the id kept when there is one. */
function toToken(key: ManagementKey): EdenToken {
  const { id, member: _member, revoked: _revoked, revokedAt: _revokedAt, defaultTags, ...rest } = key;
  const token: EdenToken = rest;
  if (id) token.id = id;
  else token.unmanageable = LEGACY_KEY_NOTE;
  if (defaultTags) token.tags = defaultTags;
  return token;
}

/** The port's `tags` are v3's `defaultTags`. */
function withDefaultTags<T extends { tags?: Record<string, string> }>(
  input: T,
): Omit<T, 'tags'> & { defaultTags?: Record<string, string> } {
  const { tags, ...rest } = input;
  return tags === undefined ? rest : { ...rest, defaultTags: tags };
}

/**
 * Adapts a {@link ManagementKeyClient} (keys by id) to the name-keyed `TokenBackend` port, so
 * `TokenRegistry`, `RotationManager` and `AlertSystem` run unchanged on the v3 Management API.
 *
 * - Revoked keys are hidden: `list` skips them, `get`/`update`/`delete` treat them as absent.
 * - Legacy keys (`id: null`) are listed with `unmanageable` set (the registry reports them as
 *   unmanaged) and are never addressed by URL.
 * - The port's `tags` are the key's `default_tags`.
 * - Names map to ids through a cache filled by every `list` and `create`, and refreshed (one
 *   listing) on a miss, when an entry is older than `maxCacheAgeMs`, and once after a 404.
 * - `create` (and `rotate`) return the token WITH its `secret`: v3 hands a value over only then;
 *   `get` never has one.
 * - `delete` is v3's irreversible revoke; it first checks the id still names this token.
 * - `rotate` is native: same key, new value.
 *
 * @example
 * const backend = new ManagementKeyBackend(new ManagementKeyClient());
 * const shared = new ManagementKeyBackend({ client: new ManagementKeyClient(), member: 'ops@example.com' });
 * const registry = new TokenRegistry({ backend, secrets: new MemorySecretStore(), environments });
 * await registry.create({ environment: 'prod', app: 'web-app' }); // value stored from the create answer
 */
export class ManagementKeyBackend implements TokenBackend {
  readonly client: ManagementKeyClient;
  readonly #index = new NameIndex();
  readonly #member: string | undefined;
  readonly #maxAgeMs: number;
  readonly #clock: () => Date;

  /** Takes the client alone, or `{ client, ...options }`. */
  constructor(clientOrOptions: ManagementKeyClient | ManagementKeyBackendOptions) {
    // The 0.x form `(client, options)` must fail loudly: silently dropping `member` could act on
    // another member's key of the same name. (A rest parameter would show in the public signature.)
    // biome-ignore lint/complexity/noArguments: see above.
    if (arguments.length > 1)
      throw new ConfigurationError(
        'ManagementKeyBackend takes one argument: new ManagementKeyBackend(client) or new ManagementKeyBackend({ client, member, maxCacheAgeMs, clock })',
      );
    const options: ManagementKeyBackendOptions = isClient(clientOrOptions)
      ? { client: clientOrOptions }
      : clientOrOptions;
    if (!isClient(options?.client))
      throw new ConfigurationError('ManagementKeyBackend needs a ManagementKeyClient: { client }');
    const missing = CLIENT_METHODS.filter((m) => typeof options.client[m] !== 'function');
    if (missing.length > 0) {
      throw new ConfigurationError(
        `ManagementKeyBackend: \`client\` is missing ${missing.map((m) => `${m}()`).join(', ')} (pass a ManagementKeyClient)`,
      );
    }
    if (options.clock !== undefined && typeof options.clock !== 'function')
      throw new ConfigurationError('ManagementKeyBackend: `clock` must be a function returning a Date');
    if (options.member !== undefined && (typeof options.member !== 'string' || options.member === ''))
      throw new ConfigurationError(
        'ManagementKeyBackend: `member` must be the email of an organization member',
      );
    this.client = options.client;
    this.#member = options.member;
    this.#maxAgeMs = options.maxCacheAgeMs ?? DEFAULT_MAX_CACHE_AGE_MS;
    if (!(this.#maxAgeMs >= 0)) {
      throw new InvalidInputError(`maxCacheAgeMs must be a number ≥ 0, got ${this.#maxAgeMs}`, {
        field: 'maxCacheAgeMs',
      });
    }
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Creates a key; the answer carries its one-time `secret`.
   *
   * @example
   * const { secret } = await backend.create({ name: 'prod-web-app', balance: 25, activeBalance: true });
   */
  async create(input: CreateTokenInput, options?: RequestOptions): Promise<EdenToken> {
    const v3 = withDefaultTags(input);
    const key = await this.client.create(this.#member ? { ...v3, member: this.#member } : v3, options);
    this.#index.add(key.name, key.id, this.#now());
    return toToken(key);
  }

  /**
   * Live keys (revoked ones hidden), without values. Refreshes the name → id cache.
   *
   * @example
   * const names = (await backend.list()).map((t) => t.name);
   */
  async list(options?: RequestOptions): Promise<EdenToken[]> {
    return (await this.#refresh(options)).map(toToken);
  }

  /**
   * One live key by name, without its value (v3 reads never return one); `NotFoundError` if absent.
   *
   * @example
   * const { balance } = await backend.get('prod-web-app');
   */
  async get(name: string, options?: RequestOptions): Promise<EdenToken> {
    return this.#withId(name, options, async (id) => toToken(await this.#live(id, name, options)));
  }

  /**
   * Changes a key's policy fields (balance, expiry, reset budget) and its cost `tags` (replaced).
   *
   * @example
   * await backend.update('prod-web-app', { balance: 100, activeBalance: true });
   */
  async update(name: string, patch: UpdateTokenInput, options?: RequestOptions): Promise<EdenToken> {
    if (typeof patch !== 'object' || patch === null)
      throw new InvalidInputError('patch must be an object', { field: 'patch' });
    // The port never renames: a stray `name` would desynchronise names and ids.
    const { name: _rename, ...policy } = patch as UpdateTokenInput & { name?: unknown };
    return this.#withId(name, options, async (id) => {
      const key = await this.client.update(id, withDefaultTags(policy), options);
      if (key.name !== name) throw gone(name);
      return toToken(key);
    });
  }

  /**
   * Revokes the key (irreversible); `NotFoundError` if absent.
   *
   * @example
   * await backend.delete('prod-old-app');
   */
  async delete(name: string, options?: RequestOptions): Promise<void> {
    return this.#withId(name, options, async (id) => {
      // Irreversible: make sure the cached id still names this live key before revoking it.
      await this.#live(id, name, options);
      await this.client.revoke(id, options);
      this.#index.remove(name, id);
    });
  }

  /**
   * Native rotation: the same key gets a new value, returned once in `secret`. The old value
   * stops working at once (no grace period).
   *
   * @example
   * const { secret } = await backend.rotate('prod-web-app');
   */
  async rotate(name: string, options?: RequestOptions): Promise<EdenToken & { secret: Secret }> {
    return this.#withId(name, options, async (id) => {
      const key = await this.client.rotate(id, options);
      if (key.name !== name) throw gone(name);
      return toToken(key) as EdenToken & { secret: Secret };
    });
  }

  async #refresh(options?: RequestOptions): Promise<ManagementKey[]> {
    const keys = await this.client.list({}, options).toArray();
    const live = keys.filter((k) => !k.revoked && (!this.#member || k.member === this.#member));
    this.#index.replace(live, this.#now());
    return live;
  }

  async #live(id: string, name: string, options?: RequestOptions): Promise<ManagementKey> {
    const key = await this.client.get(id, options);
    if (key.revoked || key.name !== name) throw gone(name);
    return key;
  }

  /** Runs `act` on the id of `name`; a stale cache (miss, age, 404) is refreshed once. */
  async #withId<T>(
    name: string,
    options: RequestOptions | undefined,
    act: (id: string) => Promise<T>,
  ): Promise<T> {
    assertTokenName(name);
    let refreshed = false;
    if (!this.#index.fresh(name, this.#now(), this.#maxAgeMs)) {
      await this.#refresh(options);
      refreshed = true;
    }
    const id = this.#resolve(name);
    try {
      return await act(id);
    } catch (error) {
      if (refreshed || !(error instanceof NotFoundError)) throw error;
      await this.#refresh(options);
      return act(this.#resolve(name));
    }
  }

  #now(): number {
    return this.#clock().getTime();
  }

  #resolve(name: string): string {
    const ids = this.#index.ids(name);
    if (!ids?.length) throw gone(name);
    if (ids.length > 1) {
      throw new InvalidInputError(
        `Token name "${name}" is used by ${ids.length} live keys (organization members may reuse names): pass { member } to ManagementKeyBackend, or address the keys by id with ManagementKeyClient`,
        { field: 'name' },
      );
    }
    const id = ids[0];
    if (!id) {
      throw new InvalidInputError(
        `Token "${name}" is a legacy key without an id: the Management API cannot change it; regenerate it in the Eden AI dashboard`,
        { field: 'name' },
      );
    }
    return id;
  }
}

interface Entry {
  ids: (string | null)[];
  /** When this mapping was last confirmed (ms): a full listing, or our own create. */
  at: number;
}

/**
 * Live key name → ids (several when members of an organization reuse a name; `null` for a legacy
 * key without id), each with the time it was last confirmed.
 */
export class NameIndex {
  #entries = new Map<string, Entry>();

  /** Replaces everything with a full listing of live keys taken at `at` (ms). */
  replace(keys: readonly ManagementKey[], at: number): void {
    this.#entries.clear();
    for (const key of keys) this.add(key.name, key.id, at);
  }

  /** The ids of `name` if confirmed less than `maxAgeMs` before `at`; `undefined` when unknown or stale. */
  fresh(name: string, at: number, maxAgeMs: number): readonly (string | null)[] | undefined {
    const entry = this.#entries.get(name);
    return entry && at - entry.at < maxAgeMs ? entry.ids : undefined;
  }

  /** The ids of `name`, however old. */
  ids(name: string): readonly (string | null)[] | undefined {
    return this.#entries.get(name)?.ids;
  }

  add(name: string, id: string | null, at: number): void {
    const entry = this.#entries.get(name);
    if (!entry) this.#entries.set(name, { ids: [id], at });
    else if (!entry.ids.includes(id)) entry.ids.push(id);
  }

  remove(name: string, id: string): void {
    const entry = this.#entries.get(name);
    if (!entry) return;
    entry.ids = entry.ids.filter((other) => other !== id);
    if (entry.ids.length === 0) this.#entries.delete(name);
  }
}
