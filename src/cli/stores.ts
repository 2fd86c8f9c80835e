// The secret and state stores a config file can name: the fields of each type, and how a command
// opens one. Secrets never live in the file, only the names of the variables holding them. Each
// cloud adapter is imported only when the config names it, and every store opens on first use: a
// command that never reads or writes a store never needs its SDK, token or URL.
import type { JsonValue } from 'type-fest';
import * as z from 'zod/mini';
import {
  ConfigurationError,
  type DeleteOptions,
  EnvSecretStore,
  FileSecretStore,
  FileStateStore,
  MemorySecretStore,
  MemoryStateStore,
  type Secret,
  type SecretStore,
  type SecretStoreCapabilities,
  type StateStore,
  type StoredSecret,
  type StoredState,
  type WriteOptions,
} from '../index-node.js';

const text = z.string().check(z.minLength(1));
/** The name of an environment variable: never the secret itself. */
const variable = text;

export const secretsSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('file'),
    path: text,
    /** Environment variable holding the passphrase; never put the passphrase in the file. */
    keyEnv: z._default(variable, 'EDENAI_TOKENS_KEY'),
  }),
  z.strictObject({ type: z.literal('env'), prefix: z.optional(z.string()) }),
  z.strictObject({ type: z.literal('memory') }),
  z.strictObject({
    type: z.literal('aws'),
    /** Default: the SDK's (AWS_REGION, the profile's region). */
    region: z.optional(text),
    prefix: z.optional(z.string()),
    recoveryWindowDays: z.optional(
      z.union([z.number().check(z.int(), z.gte(7), z.lte(30)), z.literal('force')]),
    ),
    kmsKeyId: z.optional(text),
    /** Another endpoint: LocalStack, a VPC endpoint, a test fake. */
    endpoint: z.optional(z.url()),
  }),
  z.strictObject({
    type: z.literal('vault'),
    /** Default: VAULT_ADDR. */
    address: z.optional(z.url()),
    tokenEnv: z._default(variable, 'VAULT_TOKEN'),
    mount: z.optional(text),
    pathPrefix: z.optional(z.string()),
    /** Default: VAULT_NAMESPACE. */
    namespace: z.optional(text),
    deleteMode: z.optional(z.enum(['soft', 'destroy'])),
  }),
  z.strictObject({
    type: z.literal('azure'),
    vaultUrl: z.url(),
    prefix: z.optional(z.string()),
    deleteMode: z.optional(z.enum(['recoverable', 'purge'])),
  }),
  z.strictObject({
    type: z.literal('gcp'),
    /** Default: GOOGLE_CLOUD_PROJECT, else the credentials' project. */
    projectId: z.optional(text),
    prefix: z.optional(z.string()),
    locations: z.optional(z.array(text).check(z.minLength(1))),
  }),
  z.strictObject({
    type: z.literal('kubernetes'),
    /** Default: the kubeconfig context's namespace (KUBECONFIG, ~/.kube/config or the pod's). */
    namespace: z.optional(text),
    prefix: z.optional(z.string()),
  }),
]);

export const stateSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('file'), path: text }),
  z.strictObject({ type: z.literal('memory') }),
  z.strictObject({
    type: z.literal('redis'),
    /** Variable holding the Redis URL, which may carry a password: never the URL itself. */
    urlEnv: z._default(variable, 'REDIS_URL'),
    prefix: z.optional(z.string()),
    /** Key prefix → TTL in ms, e.g. `{ "rotation/lock/": 3600000 }`. */
    ttlByPrefix: z.optional(z.record(z.string(), z.number().check(z.int(), z.positive()))),
  }),
]);

export type SecretsConfig = z.output<typeof secretsSchema>;
export type StateConfig = z.output<typeof stateSchema>;

/** Each store type's fields, for the "did you mean" of a misspelt one. */
export const storeFields: Record<'secrets' | 'state', Record<string, readonly string[]>> = {
  secrets: Object.fromEntries(
    secretsSchema.def.options.map((s) => [s.shape.type.def.values[0], Object.keys(s.shape)]),
  ),
  state: Object.fromEntries(
    stateSchema.def.options.map((s) => [s.shape.type.def.values[0], Object.keys(s.shape)]),
  ),
};

/** A store's configuration mistake (a missing SDK, variable or option), told with the config field at fault. */
function blame(at: string, field: string, type: string) {
  return (error: unknown): never => {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new ConfigurationError(`${at}: ${field}.type "${type}": ${error.message}`, { cause: error });
  };
}

/** A variable the config names, read when the store first needs it. */
function required(env: Record<string, string | undefined>, name: string, what: string): string {
  const value = env[name];
  if (!value) throw new ConfigurationError(`Set ${name} to ${what}`);
  return value;
}

/**
 * Builds the real store on first use, so a command that never touches it never fails on its
 * passphrase, SDK or credentials; `blame` rewrites its configuration errors.
 */
class LazySecretStore implements SecretStore {
  #store: SecretStore | undefined;
  constructor(
    private readonly open: () => SecretStore,
    private readonly blame: (error: unknown) => never = (error) => {
      throw error;
    },
  ) {}

  private get store(): SecretStore {
    try {
      this.#store ??= this.open();
    } catch (error) {
      this.blame(error);
    }
    return this.#store!;
  }

  /** The store's, once it can be built (what it declares does not depend on a connection). */
  get capabilities(): SecretStoreCapabilities | undefined {
    try {
      return this.store.capabilities;
    } catch {
      return undefined; // the first call reports why it cannot be built
    }
  }

  get(key: string): Promise<StoredSecret | undefined> {
    return this.#call(() => this.store.get(key));
  }
  set(key: string, value: Secret | string, options?: WriteOptions): Promise<{ version: string }> {
    return this.#call(() => this.store.set(key, value, options));
  }
  delete(key: string, options?: DeleteOptions): Promise<boolean> {
    return this.#call(() => this.store.delete(key, options));
  }
  list(prefix?: string): Promise<string[]> {
    return this.#call(() => this.store.list(prefix));
  }
  async forgetPrevious(key: string): Promise<void> {
    await this.#call(async () => this.store.forgetPrevious?.(key));
  }
  async dispose(): Promise<void> {
    await this.#store?.dispose?.();
  }

  async #call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      return this.blame(error);
    }
  }
}

/** The same, for a state store. */
class LazyStateStore implements StateStore {
  #store: StateStore | undefined;
  constructor(
    private readonly open: () => StateStore,
    private readonly blame: (error: unknown) => never,
  ) {}

  get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined> {
    return this.#call((s) => s.get<T>(key));
  }
  set(
    key: string,
    value: JsonValue,
    options?: Pick<WriteOptions, 'ifVersion'>,
  ): Promise<{ version: string }> {
    return this.#call((s) => s.set(key, value, options));
  }
  delete(key: string, options?: DeleteOptions): Promise<boolean> {
    return this.#call((s) => s.delete(key, options));
  }
  list(prefix?: string): Promise<string[]> {
    return this.#call((s) => s.list(prefix));
  }
  async dispose(): Promise<void> {
    await this.#store?.dispose?.();
  }

  async #call<T>(work: (store: StateStore) => Promise<T>): Promise<T> {
    try {
      this.#store ??= this.open();
      return await work(this.#store);
    } catch (error) {
      return this.blame(error);
    }
  }
}

/** Where a store is configured and what it reads: `at` is `file:line:column` of its `type`. */
export interface StoreContext {
  at: string;
  env: Record<string, string | undefined>;
  /** `path` as messages show it (relative to the working directory). */
  shown(path: string): string;
}

/** The config's secret store. Cloud adapters are imported here, only for the type the config names. */
export async function openSecretStore(s: SecretsConfig, c: StoreContext): Promise<SecretStore> {
  const lazy = (open: () => SecretStore) => new LazySecretStore(open, blame(c.at, 'secrets', s.type));
  switch (s.type) {
    case 'memory':
      return new MemorySecretStore();
    case 'env':
      return new EnvSecretStore({ ...(s.prefix === undefined ? {} : { prefix: s.prefix }), env: c.env });
    case 'file':
      return new LazySecretStore(() => fileSecretStore(s, c));
    case 'aws': {
      const { AwsSecretsManagerStore } = await import('../stores/aws/index.js');
      const { type: _, region, endpoint, ...options } = s;
      // Credentials come from the SDK's chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, SSO, instance roles).
      const clientConfig = { ...(region && { region }), ...(endpoint && { endpoint }) };
      return lazy(() => new AwsSecretsManagerStore({ ...options, clientConfig }));
    }
    case 'vault': {
      const { VaultKvStore } = await import('../stores/vault/index.js');
      const { type: _, tokenEnv, address, namespace, ...options } = s;
      return lazy(
        () =>
          new VaultKvStore({
            ...options,
            address: address ?? c.env['VAULT_ADDR'],
            namespace: namespace ?? c.env['VAULT_NAMESPACE'],
            // Read at each request, so a token renewed in the environment is picked up.
            token: () => required(c.env, tokenEnv, 'a Vault token'),
          }),
      );
    }
    case 'azure': {
      const { AzureKeyVaultStore } = await import('../stores/azure/index.js');
      const { type: _, ...options } = s;
      // Credentials: DefaultAzureCredential (AZURE_CLIENT_ID…, workload or managed identity, az login).
      return lazy(() => new AzureKeyVaultStore(options));
    }
    case 'gcp': {
      const { GoogleSecretManagerStore } = await import('../stores/gcp/index.js');
      const { type: _, projectId, ...options } = s;
      // Credentials: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, the metadata server).
      return lazy(
        () =>
          new GoogleSecretManagerStore({ ...options, projectId: projectId ?? c.env['GOOGLE_CLOUD_PROJECT'] }),
      );
    }
    case 'kubernetes': {
      const { KubernetesSecretStore } = await import('../stores/kubernetes/index.js');
      const { type: _, ...options } = s;
      // The cluster: KUBECONFIG, ~/.kube/config, or in a pod its service account.
      return lazy(() => new KubernetesSecretStore(options));
    }
  }
}

/** A missing passphrase fails only the commands that need one, with the store's own clear error. */
function fileSecretStore(s: Extract<SecretsConfig, { type: 'file' }>, c: StoreContext): SecretStore {
  const key = c.env[s.keyEnv];
  if (!key) {
    throw new ConfigurationError(
      `Set ${s.keyEnv} to the passphrase of the secret store ${c.shown(s.path)} (at least 16 characters)`,
    );
  }
  try {
    return new FileSecretStore({ path: s.path, key });
  } catch (error) {
    throw new ConfigurationError(
      `${s.keyEnv} cannot open the secret store ${c.shown(s.path)}: ${(error as Error).message}`,
    );
  }
}

/** The config's state store (rotation journals, locks, alert marks). */
export async function openStateStore(s: StateConfig, c: StoreContext): Promise<StateStore> {
  switch (s.type) {
    case 'memory':
      return new MemoryStateStore();
    case 'file':
      return new FileStateStore({ path: s.path });
    case 'redis': {
      const { RedisStateStore } = await import('../stores/redis/index.js');
      const { type: _, urlEnv, ...options } = s;
      return new LazyStateStore(
        () =>
          new RedisStateStore({
            ...options,
            redis: required(c.env, urlEnv, 'the Redis URL, e.g. redis://redis.internal:6379/0'),
          }),
        blame(c.at, 'state', s.type),
      );
    }
  }
}
