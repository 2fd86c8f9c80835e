import { APIError, InvalidInputError, NotFoundError, ResponseValidationError } from '../core/errors.js';
import type { Logger, RequestOptions } from '../core/types.js';
import type { Found } from '../http/request-core.js';
import type { UsageRecord, UsageSource } from '../ports/usage.js';
import { assertAnswerAbout, assertUsageOf, KnownSecrets } from '../v2/schemas.js';
import { ManagementCore, resolveManagementOptions } from './core.js';
import type {
  CreateManagementKeyInput,
  ListKeysOptions,
  ManagementKey,
  ManagementKeyClientOptions,
  ManagementKeyPatch,
  ManagementKeyWithSecret,
  ManagementUsageQuery,
  ManagementWhoami,
} from './types.js';
import {
  answerSchemas,
  assertKeyId,
  CREATE_MARKER_TAG,
  createKeyBody,
  type KeyPage,
  keyPath,
  patchKeyBody,
  usageSchema,
  usageWindows,
  type WireUsageRecord,
} from './wire.js';

const KEYS = 'manage/keys/';
const MAX_PAGE = 100;

/** Eden answers a duplicate name with 409 (v3 today) or 400 (as v2 did). */
function isDuplicateName(error: unknown): error is APIError {
  return error instanceof APIError && error.code === 'name_taken';
}

/** The server's "already exists", said with what it means here: that key is not ours. */
function nameTaken(error: APIError, name: string): APIError {
  return new (error.constructor as typeof APIError)(
    `A key named "${name}" already exists at Eden AI and is not one this create made: choose another name, or rotate, update or revoke that key by its id`,
    {
      status: error.status,
      headers: error.headers,
      body: error.body,
      method: error.method,
      path: error.path,
      requestId: error.requestId,
      code: 'name_taken',
      cause: error,
    },
  );
}

/** v3 usage may answer "no data" with v2's `404 {"details":"Not Found"}`. */
function isNoData(error: unknown): boolean {
  const body = (error as { body?: unknown }).body;
  return error instanceof NotFoundError && typeof body === 'object' && body !== null && 'details' in body;
}

function withSecret(key: ManagementKey, what: string): ManagementKeyWithSecret {
  if (key.secret) return key as ManagementKeyWithSecret;
  throw new ResponseValidationError(
    `${what} answer for key "${key.name}"${key.id ? ` (id ${key.id})` : ''} carried no secret: rotate the key to get a new value, or revoke it`,
    { issues: [{ path: 'secret', message: 'missing' }] },
  );
}

/**
 * Eden AI's v3 Management API (`/v3/manage/…`): inference keys addressed by id, with a management
 * key (`mgmt-eden-…`, scopes `manage:read` / `manage:write`). Reads never return a key's value:
 * `create` and `rotate` return it once, as a `Secret`. Implements `UsageSource`, so a
 * `UsageMonitor` can read v3 usage like v2's.
 *
 * Retries: reads, updates and revokes are retried on 408/409/429/5xx and connection errors. A
 * rotate whose answer was lost is simply sent again (the lost value was never delivered). A create
 * whose answer was lost is reconciled by the one-time marker tag it sent: the key that carries it
 * is rotated once, so a retried create never makes a second key and you still receive a value. A
 * key with the same name but without the marker is someone else's: the create fails `name_taken`.
 * A successful DELETE may answer 200 or 204.
 *
 * @example
 * const client = new ManagementKeyClient(); // reads EDENAI_MANAGEMENT_KEY
 * const { id, secret } = await client.create({ name: 'prod-web-app', balance: 25, activeBalance: true });
 * await secrets.set('edenai/prod-web-app', secret); // the only time Eden hands it over
 * await client.update(id!, { balance: 50 });
 */
export class ManagementKeyClient implements UsageSource {
  readonly #core: ManagementCore;
  readonly #clock: () => Date;
  readonly #schemas: ReturnType<typeof answerSchemas>;
  readonly #logger: Logger;

  constructor(options: ManagementKeyClientOptions = {}) {
    const resolved = resolveManagementOptions(options);
    this.#core = new ManagementCore(resolved);
    this.#clock = resolved.clock;
    this.#logger = resolved.logger;
    this.#schemas = answerSchemas(new KnownSecrets(resolved.apiKey));
  }

  /**
   * Every key of the organization, revoked ones included (`revoked: true`), fetched lazily page by
   * page (`limit` per page, at most 100).
   *
   * @example
   * const names = (await client.list().toArray()).filter((k) => !k.revoked).map((k) => k.name);
   */
  list(query: ListKeysOptions = {}, options?: RequestOptions): ManagementKeyList {
    if (typeof query !== 'object' || query === null)
      throw new InvalidInputError('list() takes { limit? } as its first argument', { field: 'query' });
    const limit = query.limit ?? MAX_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new InvalidInputError(`limit must be an integer from 1 to ${MAX_PAGE}, got ${limit}`, {
        field: 'limit',
      });
    }
    return new ManagementKeyList((offset) =>
      this.#core.request({
        method: 'GET',
        path: KEYS,
        query: { limit, offset },
        schema: this.#schemas.page,
        options,
      }),
    );
  }

  /**
   * Mints an inference key and returns it with its one-time `secret`: store it before anything
   * else. A name already used by a live key is an error with code `name_taken` (a
   * `ConflictError` on Eden's 409, a `BadRequestError` on a 400), never retried.
   *
   * The create also sends a one-time marker tag (`etm-create`) and removes it once the key is
   * made: after a lost answer, only a key carrying that marker is taken as the one this create
   * made; a key someone else made with the name is never rotated, revoked or adopted.
   *
   * @example
   * const key = await client.create({ name: 'staging-api', balance: 10, defaultTags: { team: 'payments' } });
   */
  async create(input: CreateManagementKeyInput, options?: RequestOptions): Promise<ManagementKeyWithSecret> {
    const marker = crypto.randomUUID();
    const body = createKeyBody(input, this.#clock(), marker);
    const name = body['name'] as string;
    const recover = () => this.#rotateKeyWithMarker(name, marker, options);
    let key: ManagementKey;
    try {
      key = await this.#core.request({
        method: 'POST',
        path: KEYS,
        body,
        schema: this.#schemas.key,
        options,
        recovery: {
          // Our lost attempt made it only if the key carries our marker: its value died with the
          // answer, so rotate it once. Without the marker the key is someone else's.
          lookup: recover,
          afterLost: async (error) => (isDuplicateName(error) ? recover() : undefined),
        },
      });
    } catch (error) {
      throw isDuplicateName(error) ? nameTaken(error, name) : error;
    }
    assertAnswerAbout('name', name, key.name, { method: 'POST', path: KEYS });
    // A 201 without a value: the key is certainly ours, so a rotate can still hand one over.
    const made = !key.secret && key.id ? await this.rotate(key.id, options) : withSecret(key, 'create');
    return this.#withoutMarker(made, options);
  }

  /**
   * One key by id, revoked or not; `NotFoundError` for an unknown (or other organization's) id.
   *
   * @example
   * const { balance, revoked } = await client.get(id);
   */
  async get(id: string, options?: RequestOptions): Promise<ManagementKey> {
    assertKeyId(id);
    const key = await this.#core.request({
      method: 'GET',
      path: keyPath(id),
      schema: this.#schemas.key,
      options,
    });
    assertAnswerAbout('id', id, key.id, { method: 'GET', path: keyPath(id) });
    return key;
  }

  /**
   * Changes policy fields (balance, activeBalance, expiry, reset budget) and/or renames the key.
   *
   * @example
   * await client.update(id, { balance: 200, activeBalance: true });
   * await client.update(id, { name: 'prod-web-app-legacy' });
   */
  async update(id: string, patch: ManagementKeyPatch, options?: RequestOptions): Promise<ManagementKey> {
    assertKeyId(id);
    const body = patchKeyBody(patch, this.#clock());
    const path = keyPath(id);
    const key = await this.#core.request({ method: 'PATCH', path, body, schema: this.#schemas.key, options });
    assertAnswerAbout('id', id, key.id, { method: 'PATCH', path });
    return key;
  }

  /**
   * Revokes a key: irreversible; it stays listed as revoked. `NotFoundError` when unknown. A retry
   * after a lost answer that finds it already revoked counts as success.
   *
   * @example
   * await client.revoke(oldId);
   */
  async revoke(id: string, options?: RequestOptions): Promise<void> {
    assertKeyId(id);
    return this.#core.request<void>({
      method: 'DELETE',
      path: keyPath(id),
      options,
      recovery: {
        afterLost: async (error) => (error instanceof NotFoundError ? { value: undefined } : undefined),
      },
    });
  }

  /**
   * Gives the key a new value (same id, name and budget); the old value stops working. Returns the
   * new one once, in `secret`. A revoked key is a `NotFoundError`.
   *
   * @example
   * const { secret } = await client.rotate(id);
   * await secrets.set('edenai/prod-web-app', secret);
   */
  async rotate(id: string, options?: RequestOptions): Promise<ManagementKeyWithSecret> {
    assertKeyId(id);
    const path = keyPath(id, 'rotate/');
    const key = await this.#core.request({
      method: 'POST',
      path,
      schema: this.#schemas.key,
      options,
      // Sending it again is safe: a value whose answer was lost was never delivered to anyone.
      recovery: {},
    });
    // A value for another key would be stored as this one's.
    assertAnswerAbout('id', id, key.id, { method: 'POST', path });
    return withSecret(key, 'rotate');
  }

  /**
   * Usage as flat records `{ token, date, feature, totalCost, calls, costPerProvider }` — the same
   * shape as `CostClient.usage`. `begin..end` are inclusive (Eden's exclusive `end` is handled
   * here) and longer ranges than 366 days are fetched window by window. `keyId` reads one key's
   * usage; otherwise the organization's, optionally filtered by key `token` name.
   *
   * @example
   * const records = await client.usage({ begin: '2026-01-01', end: '2026-01-31', token: 'prod-web-app' });
   */
  async usage(query: ManagementUsageQuery, options?: RequestOptions): Promise<UsageRecord[]> {
    const windows = usageWindows(query);
    const keyId = query.keyId;
    if (keyId !== undefined) assertKeyId(keyId);
    const path = keyId === undefined ? 'manage/usage/' : keyPath(keyId, 'usage/');
    const rows: WireUsageRecord[] = [];
    for (const params of windows) {
      try {
        const page = await this.#core.request({
          method: 'GET',
          path,
          query: params,
          schema: usageSchema,
          options,
        });
        for (const row of page) rows.push(row);
      } catch (error) {
        if (!isNoData(error)) throw error;
      }
    }
    if (keyId === undefined) assertUsageOf(rows, query.token, { method: 'GET', path });
    if (rows.every((r) => r.token !== null)) return rows as UsageRecord[];
    // Per-key rows may not name the key: name them after it.
    const name = keyId === undefined ? 'base_token' : (await this.get(keyId, options)).name;
    return rows.map((r) => (r.token === null ? { ...r, token: name } : (r as UsageRecord)));
  }

  /**
   * The calling management key: organization, scopes and expiry.
   *
   * @example
   * const { scopes } = await client.whoami();
   */
  async whoami(options?: RequestOptions): Promise<ManagementWhoami> {
    return this.#core.request({
      method: 'GET',
      path: 'manage/whoami/',
      schema: this.#schemas.whoami,
      options,
    });
  }

  /** After a lost create: the live key that carries our marker (made by that attempt) gets a fresh value. */
  async #rotateKeyWithMarker(
    name: string,
    marker: string,
    options?: RequestOptions,
  ): Promise<Found<ManagementKeyWithSecret>> {
    for await (const key of this.list({}, options)) {
      const ours = key.name === name && !key.revoked && key.defaultTags?.[CREATE_MARKER_TAG] === marker;
      if (ours && key.id) return { value: await this.rotate(key.id, options) };
    }
    return undefined;
  }

  /**
   * Removes the creation marker from a key we made. Best effort: the value is already in hand and
   * must reach the caller; a marker left behind is harmless (the next tag update replaces it).
   */
  async #withoutMarker(
    key: ManagementKeyWithSecret,
    options?: RequestOptions,
  ): Promise<ManagementKeyWithSecret> {
    const tags = key.defaultTags;
    if (!tags || !(CREATE_MARKER_TAG in tags) || !key.id) return key;
    const { [CREATE_MARKER_TAG]: _marker, ...own } = tags;
    try {
      const cleaned = await this.update(key.id, { defaultTags: own }, options);
      return { ...key, defaultTags: cleaned.defaultTags ?? own };
    } catch (error) {
      this.#logger.warn('Eden AI key created; its one-time creation tag could not be removed', {
        key: key.name,
        error: error instanceof Error ? error.name : 'unknown',
      });
      return { ...key, defaultTags: own };
    }
  }
}

/** Fetches the page at `offset` (the client binds auth, `limit` and request options). */
export type PageFetcher = (offset: number) => Promise<KeyPage>;

/** A listing longer than this many pages is a server that never ends it (100,000 keys at 100 a page). */
const MAX_PAGES = 1000;

/** Tells keys apart across pages; a legacy key has no id, so its visible fields stand in for one. */
function identity(key: ManagementKey): string {
  return key.id ?? JSON.stringify(['legacy', key.name, key.member, key.masked, key.last4, key.revokedAt]);
}

/**
 * The keys of `GET /manage/keys/`, page by page, fetched lazily as you iterate (revoked keys
 * included, marked `revoked`). Each iteration walks the pages again. A key that moves to a later
 * page while the walk runs (a key created meanwhile shifts the offsets) is yielded once.
 *
 * The walk ends when the announced total (`count`, or `total_count`) is reached, or, without one,
 * when there is no `next` page; and in any case at an empty page or one that adds no key not seen
 * yet (a server that ignores `offset`). A walk still going after 1000 pages is refused with a
 * `ResponseValidationError`.
 *
 * @example
 * for await (const key of client.list()) if (!key.revoked) console.log(key.name);
 * const all = await client.list().toArray();
 */
export class ManagementKeyList implements AsyncIterable<ManagementKey> {
  readonly #fetchPage: PageFetcher;

  /** @internal built by `ManagementKeyClient.list` */
  constructor(fetchPage: PageFetcher) {
    this.#fetchPage = fetchPage;
  }

  /**
   * The raw pages, in order.
   *
   * @example
   * for await (const page of client.list({ limit: 100 }).pages()) console.log(page.length);
   */
  async *pages(): AsyncGenerator<ManagementKey[], void, undefined> {
    const seen = new Set<string>();
    let offset = 0;
    for (let pages = 1; ; pages++) {
      const page = await this.#fetchPage(offset);
      offset += page.keys.length;
      const fresh = page.keys.filter((key) => {
        const id = identity(key);
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (fresh.length === 0) return;
      yield fresh;
      const more = page.count === null ? page.hasNext : offset < page.count;
      if (!more) return;
      if (pages >= MAX_PAGES) {
        throw new ResponseValidationError(
          `the key listing did not end after ${MAX_PAGES} pages (${offset} keys): the server keeps announcing more`,
          { method: 'GET', path: `/${KEYS}`, issues: [{ path: 'next', message: 'pagination never ends' }] },
        );
      }
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ManagementKey, void, undefined> {
    for await (const page of this.pages()) yield* page;
  }

  /**
   * Every key, all pages fetched.
   *
   * @example
   * const live = (await client.list().toArray()).filter((k) => !k.revoked);
   */
  async toArray(): Promise<ManagementKey[]> {
    const keys: ManagementKey[] = [];
    for await (const page of this.pages()) keys.push(...page);
    return keys;
  }
}
