import type { CoreV1Api, KubeConfig, V1Secret } from '@kubernetes/client-node';
import { ConfigurationError, VersionConflictError } from '../../core/errors.js';
import type { Secret } from '../../core/secret.js';
import type {
  DeleteOptions,
  Metadata,
  SecretStore,
  SecretStoreCapabilities,
  StoredSecret,
  WriteOptions,
} from '../../ports/stores.js';
import { assertIfVersion, assertKey, assertPrefix, copyMetadata, rawValue, toStored } from '../cas.js';
import {
  checkPrefix,
  KEY_ANNOTATION,
  loadKubernetesSdk,
  MANAGED_BY,
  nextSecret,
  PREVIOUS,
  readEntry,
  secretName,
  statusOf,
  toStoreError,
} from './api.js';

/**
 * Options of {@link KubernetesSecretStore}.
 *
 * @example
 * const options: KubernetesSecretStoreOptions = { namespace: 'payments', prefix: 'tokens.' };
 */
export interface KubernetesSecretStoreOptions {
  /**
   * A configured `KubeConfig`. Default: `loadFromDefault()`, which uses `KUBECONFIG`, `~/.kube/config`
   * or, inside a pod, its service account.
   */
  kubeConfig?: KubeConfig;
  /** Namespace of the Secrets. Default: the current context's namespace, else `default`. */
  namespace?: string;
  /** Prepended to every Secret name. Default `''`: `edenai/prod-web-app` is the Secret `edenai.prod-web-app`. */
  prefix?: string;
}

const KNOWN = new Set(['kubeConfig', 'namespace', 'prefix']);
const WRITE_ATTEMPTS = 10;

interface Api {
  core: CoreV1Api;
  namespace: string;
}

/**
 * A `SecretStore` on Kubernetes Secrets, for services that read their token from a Secret (mounted,
 * as an environment variable, or through External Secrets Operator). One Secret per key, labelled
 * `app.kubernetes.io/managed-by: edenai-token-manager`; the value is under the data key `value`, and
 * after a write the value it replaced stays under `previous` until `forgetPrevious(key)` (which
 * RotationManager calls once the old generation is revoked, at the end of the grace period). The
 * entry's version is the Secret's `resourceVersion`: the API server checks it on every update and
 * delete, so compare-and-set is atomic. Labels and annotations added by others are kept.
 *
 * Needs the optional peer dependency `@kubernetes/client-node` and RBAC `get`, `list`, `create`,
 * `update` and `delete` on `secrets` in the namespace. Kubernetes limits a Secret's data to 1 MiB
 * (the value and the previous one together).
 *
 * @example
 * import { KubernetesSecretStore } from 'edenai-token-manager/kubernetes';
 *
 * const secrets = new KubernetesSecretStore({ namespace: 'payments' });
 * const registry = new TokenRegistry({ backend: new CustomTokenClient(), secrets, environments });
 * // A pod then reads `prod-web-app` from the Secret `edenai.prod-web-app`, key `value`.
 */
export class KubernetesSecretStore implements SecretStore {
  readonly capabilities: SecretStoreCapabilities = { compareAndSet: 'atomic' };
  readonly prefix: string;
  readonly #options: KubernetesSecretStoreOptions;
  #api: Promise<Api> | undefined;

  constructor(options: KubernetesSecretStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new ConfigurationError('KubernetesSecretStore options must be an object');
    for (const key of Object.keys(options))
      if (!KNOWN.has(key)) throw new ConfigurationError(`Unknown KubernetesSecretStore option "${key}"`);
    if (options.kubeConfig !== undefined && typeof options.kubeConfig?.makeApiClient !== 'function')
      throw new ConfigurationError('KubernetesSecretStore `kubeConfig` must be a KubeConfig');
    if (options.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(options.namespace))
      throw new ConfigurationError('KubernetesSecretStore `namespace` must be a valid namespace name');
    this.prefix = checkPrefix(options.prefix ?? '');
    this.#options = options;
  }

  /** The name of the Secret that holds `key` (what a pod's `secretKeyRef.name` refers to). */
  secretName(key: string): string {
    assertKey(key);
    return secretName(this.prefix, key);
  }

  async get(key: string): Promise<StoredSecret | undefined> {
    const found = await this.#read(key, this.secretName(key));
    const entry = found && readEntry(found);
    return entry && toStored(entry);
  }

  async set(key: string, value: Secret | string, options: WriteOptions = {}): Promise<{ version: string }> {
    const name = this.secretName(key);
    assertIfVersion(options.ifVersion, true);
    const text = rawValue(value);
    const metadata = copyMetadata(options.metadata);
    const { ifVersion } = options;
    for (let attempt = 1; ; attempt++) {
      const current = ifVersion === null ? undefined : await this.#read(key, name);
      const actual = current ? (readEntry(current)?.version ?? null) : null;
      if (ifVersion !== undefined && ifVersion !== actual)
        throw new VersionConflictError(key, ifVersion, actual);
      const version = await this.#write(key, name, text, metadata, current);
      if (version !== undefined) return { version };
      // Lost a race: a conditional write reports it, an unconditional one reads and tries again.
      if (ifVersion !== undefined || attempt >= WRITE_ATTEMPTS)
        throw new VersionConflictError(key, ifVersion, await this.#versionOf(key, name));
    }
  }

  /** With `ifVersion`, a precondition the API server checks as it deletes. */
  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    const name = this.secretName(key);
    assertIfVersion(options.ifVersion, false);
    const { core, namespace } = await this.#ready();
    const { ifVersion } = options;
    try {
      await core.deleteNamespacedSecret({
        name,
        namespace,
        ...(ifVersion !== undefined && { body: { preconditions: { resourceVersion: ifVersion } } }),
      });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404 && ifVersion === undefined) return false;
      if (status === 404 || status === 409)
        throw new VersionConflictError(key, ifVersion, await this.#versionOf(key, name));
      throw toStoreError(error, 'delete', name, key);
    }
  }

  async list(prefix = ''): Promise<string[]> {
    assertPrefix(prefix);
    const { core, namespace } = await this.#ready();
    const keys: string[] = [];
    let next: string | undefined;
    do {
      let page: Awaited<ReturnType<CoreV1Api['listNamespacedSecret']>>;
      try {
        page = await core.listNamespacedSecret({
          namespace,
          labelSelector: `${MANAGED_BY[0]}=${MANAGED_BY[1]}`,
          limit: 500,
          ...(next && { _continue: next }),
        });
      } catch (error) {
        throw toStoreError(error, 'list', `${this.prefix}*`, `${prefix}*`);
      }
      for (const secret of page.items) {
        const key = secret.metadata?.annotations?.[KEY_ANNOTATION];
        // The name check leaves out Secrets of stores with another prefix in the same namespace.
        if (
          key?.startsWith(prefix) &&
          secret.metadata?.name === secretName(this.prefix, key) &&
          readEntry(secret)
        )
          keys.push(key);
      }
      next = page.metadata?._continue || undefined;
    } while (next);
    return [...new Set(keys)].sort();
  }

  /** Drops the `previous` data key (compare-and-set on the Secret, so a concurrent write is kept). */
  async forgetPrevious(key: string): Promise<void> {
    const name = this.secretName(key);
    const { core, namespace } = await this.#ready();
    for (let attempt = 1; ; attempt++) {
      const current = await this.#read(key, name);
      if (!current?.data?.[PREVIOUS]) return;
      const data = { ...current.data };
      delete data[PREVIOUS];
      try {
        await core.replaceNamespacedSecret({ name, namespace, body: { ...current, data } });
        return;
      } catch (error) {
        if (statusOf(error) !== 409 || attempt >= WRITE_ATTEMPTS)
          throw toStoreError(error, 'update', name, key);
      }
    }
  }

  async #read(key: string, name: string): Promise<V1Secret | undefined> {
    const { core, namespace } = await this.#ready();
    try {
      return await core.readNamespacedSecret({ name, namespace });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw toStoreError(error, 'read', name, key);
    }
  }

  async #versionOf(key: string, name: string): Promise<string | null> {
    const current = await this.#read(key, name);
    return (current && readEntry(current)?.version) ?? null;
  }

  /**
   * Creates the Secret (no `current`) or replaces `current` at its resourceVersion. Returns the new
   * resourceVersion, or `undefined` when the API server refused because another write came first.
   */
  async #write(
    key: string,
    name: string,
    value: string,
    metadata: Metadata | undefined,
    current: V1Secret | undefined,
  ): Promise<string | undefined> {
    const { core, namespace } = await this.#ready();
    const body = nextSecret(name, namespace, key, value, metadata, current);
    try {
      const written = current
        ? await core.replaceNamespacedSecret({ name, namespace, body })
        : await core.createNamespacedSecret({ namespace, body });
      return written.metadata?.resourceVersion;
    } catch (error) {
      const status = statusOf(error);
      // 409: AlreadyExists on create, Conflict on a stale resourceVersion; 404: deleted meanwhile.
      if (status === 409 || (status === 404 && current)) return undefined;
      throw toStoreError(error, current ? 'update' : 'create', name, key);
    }
  }

  #ready(): Promise<Api> {
    this.#api ??= (async () => {
      const sdk = await loadKubernetesSdk();
      let config = this.#options.kubeConfig;
      if (!config) {
        config = new sdk.KubeConfig();
        try {
          config.loadFromDefault();
        } catch (error) {
          throw new ConfigurationError(
            `KubernetesSecretStore could not load a kubeconfig (KUBECONFIG, ~/.kube/config or the pod's service account): ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      const context = config.getContextObject(config.getCurrentContext());
      const namespace = this.#options.namespace ?? context?.namespace ?? 'default';
      return { core: config.makeApiClient(sdk.CoreV1Api), namespace };
    })();
    // A failed load (missing client, bad kubeconfig) is not cached: fixing it fixes the next call.
    this.#api.catch(() => {
      this.#api = undefined;
    });
    return this.#api;
  }
}
