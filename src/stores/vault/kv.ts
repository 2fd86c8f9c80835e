// Vault's side of VaultKvStore: one request path to its HTTP API, the KV version 2 endpoints the
// store uses, keys as KV paths, and `list` as a walk of KV folders. The compare-and-set logic built
// on these lives in store.ts.
import type { LimitFunction } from 'p-limit';
import {
  APIConnectionError,
  APITimeoutError,
  ConfigurationError,
  errorClassForStatus,
  InternalServerError,
  InvalidInputError,
  PermissionDeniedError,
} from '../../core/errors.js';

/** Where and how to reach the KV engine (resolved and checked by the store). */
export interface KvConfig {
  address: string;
  token: () => string | Promise<string>;
  mount: string;
  pathPrefix: string;
  namespace: string | undefined;
  timeoutMs: number;
  fetch: typeof fetch;
}

// One request path to Vault's HTTP API, apart from the Eden request core: every status means
// something different here (404 = absent, 400 = CAS mismatch, 503 = sealed), and a bare `fetch`
// option is the easiest thing for users to swap (proxies, custom TLS). Writes are not retried: a
// retried compare-and-set whose first answer was lost would conflict with itself.

export interface VaultResponse {
  status: number;
  /** Parsed JSON body, or `undefined` (204, or not JSON). */
  body: unknown;
}

export type Method = 'GET' | 'POST' | 'PUT';

export class VaultHttp {
  constructor(private readonly o: KvConfig) {}

  /** Sends one request to `/v1/{path}`; network failures and timeouts throw, HTTP errors do not. */
  async send(method: Method, path: string, body?: unknown): Promise<VaultResponse> {
    const token = await this.o.token();
    if (typeof token !== 'string' || token === '')
      throw new ConfigurationError('VaultKvStore: the `token` function returned no token');
    const headers: Record<string, string> = { 'X-Vault-Token': token, 'X-Vault-Request': 'true' };
    if (this.o.namespace) headers['X-Vault-Namespace'] = this.o.namespace;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.o.fetch(`${this.o.address}/v1/${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      const Class = timedOut ? APITimeoutError : APIConnectionError;
      const why = timedOut ? `no answer within ${this.o.timeoutMs} ms` : `cannot reach ${this.o.address}`;
      throw new Class(`Vault request failed: ${why}`, { method, path: `/v1/${path}`, cause: error });
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed };
  }

  /** The error for an answer the caller did not expect; never contains the token. */
  async error(method: Method, path: string, res: VaultResponse): Promise<Error> {
    const token = await Promise.resolve(this.o.token()).catch(() => '');
    const errors = (res.body as { errors?: unknown } | undefined)?.errors;
    let text = Array.isArray(errors) ? errors.filter((e) => typeof e === 'string').join('; ') : '';
    if (token) text = text.split(token).join('[redacted]'); // belt and braces: Vault never echoes it
    const init = { status: res.status, method, path: `/v1/${path}`, body: res.body };
    if (res.status === 403)
      return new PermissionDeniedError(
        `Vault denied the request${text ? ` (${text})` : ''}: check that the token is valid and its policy allows this path`,
        init,
      );
    if (res.status === 503 && /sealed/i.test(text))
      return new InternalServerError('Vault is sealed: unseal it (vault operator unseal) and retry', init);
    const Class = errorClassForStatus(res.status);
    return new Class(`Vault answered an error${text ? `: ${text}` : ''}`, init);
  }
}

// Store keys ↔ KV v2 paths. A key is a path inside `pathPrefix` ("prod/web-app"): its segments
// become Vault folders, so `vault kv list` shows them the way people expect.

/** Throws `InvalidInputError` for keys Vault would read as folders or relative paths. */
export function assertVaultKey(key: string): void {
  if (!isCleanPath(key, false)) {
    throw new InvalidInputError(
      'Vault keys must be paths of non-empty segments without "." or "..", and must not start or end with "/"',
      { field: 'key' },
    );
  }
}

/** Percent-encodes each segment; `/` stays a separator. */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The API path of `{mount}/{kind}/{pathPrefix}{key}`. */
function apiPath(mount: string, kind: 'data' | 'metadata' | 'delete' | 'destroy', relative: string): string {
  return `${encodePath(mount)}/${kind}/${encodePath(relative)}`;
}

/** A path of non-empty segments without `.`/`..`; `trailingSlash` for folders. */
export function isCleanPath(path: string, trailingSlash: boolean): boolean {
  if (path === '') return trailingSlash;
  if (trailingSlash !== path.endsWith('/')) return false;
  const segments = (trailingSlash ? path.slice(0, -1) : path).split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

// The KV version 2 endpoints this store uses, each returning plain results; statuses the caller
// cannot act on become errors (403 permission, 503 sealed…) through VaultHttp.error.

/** The latest version of a key as `GET data` sees it. */
export type DataRead =
  | { kind: 'live'; version: number; data: Record<string, unknown> }
  | { kind: 'deleted'; version: number };

export interface MetaRead {
  current: number;
  /** Version numbers Vault still keeps (up to the mount's `max_versions`). */
  versions: number[];
  /** The current version is soft-deleted or destroyed. */
  currentGone: boolean;
}

export type WriteResult =
  | { ok: true; version: number }
  | { ok: false; reason: 'cas-mismatch' | 'cas-required' };

type Body = { data?: Record<string, unknown> } | undefined;
const asObject = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export class KvV2 {
  constructor(
    private readonly http: VaultHttp,
    private readonly o: KvConfig,
  ) {}

  #path(kind: 'data' | 'metadata' | 'delete' | 'destroy', key: string) {
    return apiPath(this.o.mount, kind, this.o.pathPrefix + key);
  }

  async readData(key: string): Promise<DataRead | undefined> {
    const path = this.#path('data', key);
    const res = await this.http.send('GET', path);
    const data = asObject((res.body as Body)?.data);
    const version = Number(asObject(data['metadata'])['version']);
    if (res.status === 200 && Number.isInteger(version))
      return { kind: 'live', version, data: asObject(data['data']) };
    // A deleted or destroyed latest version answers 404 with its metadata; an unknown key, without.
    if (res.status === 404) return Number.isInteger(version) ? { kind: 'deleted', version } : undefined;
    throw await this.http.error('GET', path, res);
  }

  async readMeta(key: string): Promise<MetaRead | undefined> {
    const path = this.#path('metadata', key);
    const res = await this.http.send('GET', path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw await this.http.error('GET', path, res);
    const data = asObject((res.body as Body)?.data);
    const raw = Number(data['current_version']);
    const current = Number.isInteger(raw) && raw > 0 ? raw : 0; // 0: metadata without any version
    const versions = asObject(data['versions']);
    const latest = asObject(versions[String(current)]);
    const currentGone = current === 0 || latest['destroyed'] === true || !!latest['deletion_time'];
    return { current, versions: Object.keys(versions).map(Number), currentGone };
  }

  /** `cas` 0 means "only if the key has no version yet"; `undefined` writes unconditionally. */
  async write(key: string, data: Record<string, unknown>, cas?: number): Promise<WriteResult> {
    const path = this.#path('data', key);
    const res = await this.http.send('POST', path, { ...(cas !== undefined && { options: { cas } }), data });
    if (res.status === 200 || res.status === 204) {
      const version = Number(asObject((res.body as Body)?.data)['version']);
      if (Number.isInteger(version) && version > 0) return { ok: true, version };
    }
    if (res.status === 400) {
      const text = JSON.stringify((res.body as { errors?: unknown })?.errors ?? '');
      if (/check-and-set parameter did not match/i.test(text)) return { ok: false, reason: 'cas-mismatch' };
      if (/check-and-set parameter required/i.test(text)) return { ok: false, reason: 'cas-required' };
    }
    throw await this.http.error('POST', path, res);
  }

  /** Soft delete (`vault kv delete -versions`) or destroy (`vault kv destroy -versions`) of versions. */
  async remove(key: string, versions: number[], mode: 'soft' | 'destroy'): Promise<void> {
    const path = this.#path(mode === 'soft' ? 'delete' : 'destroy', key);
    const method = mode === 'soft' ? 'POST' : 'PUT';
    const res = await this.http.send(method, path, { versions });
    if (res.status !== 204 && res.status !== 200) throw await this.http.error(method, path, res);
  }

  /**
   * Entries of a folder (`sub/` for sub-folders); empty when the folder does not exist. Sent as
   * `GET …?list=true`, Vault's documented spelling of `LIST` that proxies (and Node's own HTTP
   * parser) understand.
   */
  async listFolder(folder: string): Promise<string[]> {
    const path = `${this.#path('metadata', folder)}?list=true`;
    const res = await this.http.send('GET', path);
    if (res.status === 404) return [];
    if (res.status !== 200) throw await this.http.error('GET', path, res);
    const keys = asObject((res.body as Body)?.data)['keys'];
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  }
}

// `list(prefix)`: walks the KV folders under the prefix's folder with LIST, then keeps the keys
// whose current version is live (Vault lists deleted keys too, since their metadata stays).

export async function listLiveKeys(kv: KvV2, limit: LimitFunction, prefix: string): Promise<string[]> {
  const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  if (!isCleanPath(start, true)) return []; // "a//b", "./": no key can start so
  const candidates: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    // Only the HTTP calls take a slot: a folder waiting for its children never holds one.
    const entries = await limit(() => kv.listFolder(folder));
    await Promise.all(
      entries.map(async (entry) => {
        const path = folder + entry;
        if (entry.endsWith('/')) {
          if (path.startsWith(prefix) || prefix.startsWith(path)) await walk(path);
        } else if (path.startsWith(prefix)) candidates.push(path);
      }),
    );
  };
  await walk(start);
  const live = await Promise.all(
    candidates.map((key) =>
      limit(async () => ((m) => m !== undefined && !m.currentGone)(await kv.readMeta(key))),
    ),
  );
  return candidates.filter((_, i) => live[i]).sort();
}
