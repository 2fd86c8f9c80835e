// The KV version 2 endpoints this store uses, each returning plain results; statuses the caller
// cannot act on become errors (403 permission, 503 sealed…) through VaultHttp.error.
import type { VaultHttp } from './http.js';
import type { ResolvedVaultOptions } from './options.js';
import { apiPath } from './paths.js';

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
    private readonly o: ResolvedVaultOptions,
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
