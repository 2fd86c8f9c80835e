import { type APIError, BadRequestError, NotFoundError } from '../core/errors.js';
import type { RequestOptions } from '../core/types.js';
import { type ClientOptions, resolveOptions } from '../http/options.js';
import { type Found, RequestCore } from '../http/request-core.js';
import { tokenPath } from '../http/wire.js';
import type { CreateTokenInput, EdenToken, TokenBackend, UpdateTokenInput } from '../ports/backend.js';
import { assertAnswerAbout, KnownSecrets, tokenSchemas } from './schemas.js';
import { assertTokenName, createBody, patchBody } from './token-input.js';

const COLLECTION = 'user/custom_token/';

function isDuplicateName(error: APIError): boolean {
  return error.code === 'name_taken';
}

/** Eden's raw "name: Token with this name already exists." says what, not what to do. */
function explainDuplicate(error: unknown, name: string): unknown {
  if (!(error instanceof BadRequestError) || !isDuplicateName(error)) return error;
  return new BadRequestError(
    `A token named "${name}" already exists at Eden AI: choose another name, or update, rotate or delete the existing token`,
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

/**
 * Eden AI v2 custom tokens (`/v2/user/custom_token/`), addressed by name. Implements the
 * `TokenBackend` port. Token values come back wrapped in `Secret` (from `get` and `list`; Eden's
 * create response never contains the value).
 *
 * Retries: reads, updates and deletes are retried on 408/409/429/5xx and connection errors
 * (timeouts included), with exponential backoff and jitter, honouring `Retry-After`. A create whose
 * answer was lost is reconciled by name (look it up, resend only if absent; "already exists" on the
 * resend means the lost attempt landed), so a retried create never makes a second token.
 *
 * Cancelling: aborting `options.signal` rejects at once with `signal.reason`, exactly as `fetch`
 * does (a `DOMException` named `AbortError` unless you gave a reason). It is never retried and is
 * not an `EdenAIError`, so code that retries `APIConnectionError` cannot mistake it for a network
 * failure. A slow attempt is an `APITimeoutError` (a subclass of `APIConnectionError`) and is retried.
 *
 * @example
 * const client = new CustomTokenClient({ apiKey: process.env.EDENAI_API_KEY });
 * await client.create({ name: 'prod-web-app', balance: 50, activeBalance: true });
 * const token = await client.get('prod-web-app');
 * token.secret?.reveal(); // the value, only when you ask for it
 */
export class CustomTokenClient implements TokenBackend {
  readonly #core: RequestCore;
  readonly #clock: () => Date;
  readonly #schemas: ReturnType<typeof tokenSchemas>;

  constructor(options: ClientOptions = {}) {
    const resolved = resolveOptions(options);
    this.#core = new RequestCore(resolved);
    this.#clock = resolved.clock;
    this.#schemas = tokenSchemas(new KnownSecrets(resolved.apiKey));
  }

  /**
   * Creates a token. A first-attempt name clash is a `BadRequestError`
   * (`name: Token with this name already exists.`). After a lost answer the token found by name
   * is returned (read with GET, so it may carry its `secret`).
   *
   * @example
   * await client.create({ name: 'staging-api', balance: 25.5, activeBalance: true, expireTime: new Date('2026-12-31') });
   */
  async create(input: CreateTokenInput, options?: RequestOptions): Promise<EdenToken> {
    const body = createBody(input, this.#clock());
    const name = input.name;
    const token = await this.#core
      .request({
        method: 'POST',
        path: COLLECTION,
        body,
        schema: this.#schemas.token,
        options,
        recovery: {
          lookup: () => this.#find(name, options),
          // Our lost attempt created it: "already exists" means success.
          afterLost: async (error) =>
            isDuplicateName(error) ? { value: await this.get(name, options) } : undefined,
        },
      })
      .catch((error: unknown) => {
        throw explainDuplicate(error, name);
      });
    assertAnswerAbout('name', name, token.name, { method: 'POST', path: COLLECTION });
    return token;
  }

  /**
   * Every live token of the account (Eden does not paginate this list; tokens it marks `revoked`
   * are left out).
   *
   * @example
   * const names = (await client.list()).map((t) => t.name);
   */
  async list(options?: RequestOptions): Promise<EdenToken[]> {
    return this.#core.request({ method: 'GET', path: COLLECTION, schema: this.#schemas.list, options });
  }

  /**
   * One token by name; `NotFoundError` when absent (or marked `revoked`).
   *
   * @example
   * const { balance, expireTime, secret } = await client.get('prod-web-app');
   */
  async get(name: string, options?: RequestOptions): Promise<EdenToken> {
    assertTokenName(name);
    const path = tokenPath(name);
    const { token, revoked } = await this.#core.request({
      method: 'GET',
      path,
      schema: this.#schemas.read,
      options,
      notFoundCode: 'token_not_found',
    });
    assertAnswerAbout('name', name, token.name, { method: 'GET', path });
    if (revoked) {
      throw new NotFoundError(`Token "${name}" is revoked`, {
        status: 404,
        method: 'GET',
        path: `/${path}`,
        code: 'token_not_found',
      });
    }
    return token;
  }

  /**
   * Changes balance, activeBalance, expiry or the reset budget (name and type cannot change).
   *
   * @example
   * await client.update('prod-web-app', { balance: 200, activeBalance: true });
   */
  async update(name: string, patch: UpdateTokenInput, options?: RequestOptions): Promise<EdenToken> {
    assertTokenName(name);
    const body = patchBody(patch, this.#clock());
    const path = tokenPath(name);
    const token = await this.#core.request({
      method: 'PATCH',
      path,
      body,
      schema: this.#schemas.token,
      options,
      notFoundCode: 'token_not_found',
    });
    assertAnswerAbout('name', name, token.name, { method: 'PATCH', path });
    return token;
  }

  /**
   * Deletes (revokes) a token; `NotFoundError` when absent. A retry after a lost answer that
   * finds it gone counts as success.
   *
   * @example
   * await client.delete('prod-old-app');
   */
  async delete(name: string, options?: RequestOptions): Promise<void> {
    assertTokenName(name);
    return this.#core.request<void>({
      method: 'DELETE',
      path: tokenPath(name),
      options,
      notFoundCode: 'token_not_found',
      recovery: {
        afterLost: async (error) => (error instanceof NotFoundError ? { value: undefined } : undefined),
      },
    });
  }

  async #find(name: string, options: RequestOptions | undefined): Promise<Found<EdenToken>> {
    try {
      return { value: await this.get(name, options) };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }
}
