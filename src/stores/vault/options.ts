// VaultKvStore options, checked once at construction: a misconfiguration fails before any request.
import { ConfigurationError } from '../../core/errors.js';

/**
 * Options of {@link VaultKvStore}.
 *
 * @example
 * const options: VaultKvStoreOptions = { address: 'https://vault.internal:8200', token: () => readAgentToken() };
 */
export interface VaultKvStoreOptions {
  /** Vault's address, e.g. `https://vault.internal:8200`. Default `process.env.VAULT_ADDR`. */
  address?: string;
  /** A token, or a function returning the current one (renewed by Vault Agent…). Default `process.env.VAULT_TOKEN`. */
  token?: string | (() => string | Promise<string>);
  /** Mount path of the KV version 2 engine. Default `'secret'`. */
  mount?: string;
  /** Folder inside the mount that holds the entries. Default `''` (registry refs already start with `edenai/`). */
  pathPrefix?: string;
  /** Vault Enterprise / HCP namespace (sent as `X-Vault-Namespace`). Default `process.env.VAULT_NAMESPACE`. */
  namespace?: string;
  /**
   * `'soft'` (default): `delete` marks the current version deleted; `vault kv undelete` brings it
   * back. `'destroy'`: `delete` removes the key's metadata and every version, for good.
   */
  deleteMode?: 'soft' | 'destroy';
  /** Per-request timeout in ms. Default 10 000. */
  timeoutMs?: number;
  /** Parallel requests of `list` (it reads each key's metadata). Default 8. */
  concurrency?: number;
  /** A `fetch` implementation (tests, proxies, custom TLS via undici's dispatcher). Default: global `fetch`. */
  fetch?: typeof fetch;
}

export interface ResolvedVaultOptions {
  address: string;
  token: () => string | Promise<string>;
  mount: string;
  pathPrefix: string;
  namespace: string | undefined;
  deleteMode: 'soft' | 'destroy';
  timeoutMs: number;
  concurrency: number;
  fetch: typeof fetch;
}

const KNOWN = new Set([
  'address',
  'token',
  'mount',
  'pathPrefix',
  'namespace',
  'deleteMode',
  'timeoutMs',
  'concurrency',
  'fetch',
]);

const fail = (message: string): never => {
  throw new ConfigurationError(`VaultKvStore: ${message}`);
};

/** A path of non-empty segments without `.`/`..`; `trailingSlash` for folders. */
export function isCleanPath(path: string, trailingSlash: boolean): boolean {
  if (path === '') return trailingSlash;
  if (trailingSlash !== path.endsWith('/')) return false;
  const segments = (trailingSlash ? path.slice(0, -1) : path).split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

export function resolveVaultOptions(o: VaultKvStoreOptions = {}): ResolvedVaultOptions {
  if (typeof o !== 'object' || o === null) fail('options must be an object');
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) fail(`unknown option "${key}"`);
  const address = o.address ?? process.env['VAULT_ADDR'];
  if (!address) fail('`address` is required (or set VAULT_ADDR)');
  let url: URL | undefined;
  try {
    url = new URL(address as string);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.username)
    fail('`address` must be an http(s) URL such as https://vault.internal:8200');
  const token = o.token ?? process.env['VAULT_TOKEN'];
  if (typeof token !== 'function' && (typeof token !== 'string' || token === ''))
    fail('`token` is required: a non-empty string or a function returning one (or set VAULT_TOKEN)');
  const mount = (o.mount ?? 'secret').replace(/^\/+|\/+$/g, '');
  if (!isCleanPath(mount, false)) fail('`mount` must be a path such as "secret" or "kv/team"');
  const pathPrefix = o.pathPrefix ?? '';
  if (typeof pathPrefix !== 'string' || !isCleanPath(pathPrefix, true))
    fail('`pathPrefix` must be "" or a folder path ending with "/", such as "edenai/"');
  const namespace = o.namespace ?? process.env['VAULT_NAMESPACE'] ?? undefined;
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace === ''))
    fail('`namespace` must be a non-empty string');
  const deleteMode = o.deleteMode ?? 'soft';
  if (deleteMode !== 'soft' && deleteMode !== 'destroy') fail("`deleteMode` must be 'soft' or 'destroy'");
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) fail('`timeoutMs` must be a number > 0');
  const concurrency = o.concurrency ?? 8;
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64))
    fail('`concurrency` must be an integer from 1 to 64');
  const fetchImpl = o.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') fail('`fetch` must be a function');
  return {
    address: (address as string).replace(/\/+$/, ''),
    token: typeof token === 'function' ? token : () => token as string,
    mount,
    pathPrefix,
    namespace,
    deleteMode,
    timeoutMs,
    concurrency,
    fetch: fetchImpl,
  };
}
