import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import type { Clock } from '../core/types.js';
import {
  type EnvironmentPolicyInput,
  EnvSecretStore,
  FileSecretStore,
  FileStateStore,
  MemorySecretStore,
  MemoryStateStore,
  RateLimiter,
  TokenRegistry,
} from '../index-node.js';
import type { TokenBackend } from '../ports/backend.js';
import type { SecretStore, StateStore } from '../ports/stores.js';
import type { UsageSource } from '../ports/usage.js';
import { createFakeEdenAI, type FakeEdenAI } from '../testing/fake/index.js';
import { MANAGEMENT_KEY_ENV } from '../v3/options.js';
import type { ApiVersion } from './api-version.js';
import { type ApiClients, openApiClients } from './backends.js';
import { type CliConfig, loadConfig } from './config.js';
import { DEFAULT_REQUESTS_PER_SECOND, defaultPaths } from './defaults.js';
import { LazySecretStore } from './lazy-secrets.js';
import type { CommandContext } from './spec.js';

/** Everything a command needs, built once from the config file, the environment and `--fake`. */
export interface Runtime {
  config: CliConfig;
  /** The Eden AI API in use: `--api`, else EDENAI_API_VERSION, else the config's `api.version`, else v2. */
  api: ApiVersion;
  registry: TokenRegistry;
  backend: TokenBackend;
  usageSource: UsageSource;
  secrets: SecretStore;
  state: StateStore;
  clock: Clock;
  /** Set with `--fake`: the fake server, its state kept in a local file. */
  fake: FakeEdenAI | undefined;
  close(): Promise<void>;
}

/** Not a secret: it only keeps the fake's local files from being plain text. */
export const FAKE_PASSPHRASE = 'edenai-token-manager-fake-local-files';

/** `.edenai-fake.json` → `.edenai-fake-secrets.json`, `.edenai-fake-state.json`. */
export function fakeFiles(fakeFile: string): { server: string; secrets: string; state: string } {
  const base = fakeFile.replace(/\.json$/, '');
  return { server: fakeFile, secrets: `${base}-secrets.json`, state: `${base}-state.json` };
}

function secretStore(config: CliConfig, env: Record<string, string | undefined>): SecretStore {
  const s = config.secrets;
  if (s.type === 'memory') return new MemorySecretStore();
  if (s.type === 'env')
    return new EnvSecretStore({ ...(s.prefix === undefined ? {} : { prefix: s.prefix }), env });
  return new LazySecretStore(() => {
    const key = env[s.keyEnv];
    if (!key) {
      throw new ConfigurationError(
        `Set ${s.keyEnv} to the passphrase of the secret store ${s.path} (at least 16 characters)`,
      );
    }
    return new FileSecretStore({ path: s.path, key });
  });
}

function stateStore(config: CliConfig): StateStore {
  return config.state.type === 'memory'
    ? new MemoryStateStore()
    : new FileStateStore({ path: config.state.path });
}

/** Reads a key from the environment only; never from the command line (shell history, `ps`). */
function requireKey(env: Record<string, string | undefined>, name: string, what: string): string {
  const key = env[name];
  if (!key) throw new ConfigurationError(`Set ${name} to ${what} (or try --fake for a local fake)`);
  return key;
}

/** The real API's clients: keys from the environment, one rate limiter shared by every client. */
function realClients(
  api: ApiVersion,
  config: CliConfig,
  env: Record<string, string | undefined>,
): ApiClients {
  const { baseUrl, managementBaseUrl, timeoutMs, maxRetries } = config.api;
  // One pace for the whole runtime: every client spends the account's request budget.
  const rateLimiter = new RateLimiter({
    perSecond: config.api.maxRequestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND,
  });
  const shared = { timeoutMs, maxRetries, rateLimiter };
  return openApiClients(api, {
    v2: () => ({
      ...shared,
      baseUrl,
      apiKey: requireKey(env, 'EDENAI_API_KEY', 'your Eden AI API key'),
    }),
    v3: () => ({
      ...shared,
      baseUrl: managementBaseUrl,
      apiKey: requireKey(
        env,
        MANAGEMENT_KEY_ENV,
        'an Eden AI management key (mgmt-eden-…, scopes manage:read and manage:write) for --api v3',
      ),
    }),
  });
}

/** Builds the runtime for a command: the real API (its key from the environment) or, with `--fake`, the local fake. */
export async function openRuntime(ctx: CommandContext, preloaded?: CliConfig): Promise<Runtime> {
  const config = preloaded ?? (await loadConfig(ctx.global.config, ctx.cwd));
  const api: ApiVersion = ctx.global.api ?? config.api.version ?? 'v2';
  const clock: Clock = () => new Date();
  let fake: FakeEdenAI | undefined;
  let clients: ApiClients;
  let secrets: SecretStore;
  let state: StateStore;
  if (ctx.global.fake) {
    const files = fakeFiles(
      resolve(ctx.cwd, ctx.global.fakeFile ?? ctx.env['EDENAI_FAKE_FILE'] ?? defaultPaths.fake),
    );
    mkdirSync(dirname(files.server), { recursive: true });
    const server = await createFakeEdenAI({ listen: false, stateFile: files.server });
    fake = server;
    clients = openApiClients(api, {
      v2: () => ({ ...server.clientOptions }),
      v3: () => ({ ...server.managementClientOptions }),
    });
    secrets = new FileSecretStore({ path: files.secrets, key: FAKE_PASSPHRASE });
    state = new FileStateStore({ path: files.state });
  } else {
    clients = realClients(api, config, ctx.env);
    secrets = secretStore(config, ctx.env);
    state = stateStore(config);
  }
  const { backend, usageSource } = clients;
  // The registry validates the policies and names the environment and field of any mistake.
  const environments = config.environments as Record<string, EnvironmentPolicyInput>;
  const registry = new TokenRegistry({ backend, secrets, environments, clock });
  return withClose({ config, api, registry, backend, usageSource, secrets, state, clock, fake });
}

/** Adds the `close` that frees a runtime's parts: the fake first, then both stores. */
export function withClose(parts: Omit<Runtime, 'close'>): Runtime {
  const { fake, secrets, state } = parts;
  return {
    ...parts,
    async close() {
      await fake?.close();
      await secrets.dispose?.();
      await state.dispose?.();
    },
  };
}

/** Opens the runtime, runs `work`, and always closes it. */
export async function withRuntime<T>(
  ctx: CommandContext,
  work: (rt: Runtime) => Promise<T>,
  config?: CliConfig,
): Promise<T> {
  const rt = await openRuntime(ctx, config);
  try {
    return await work(rt);
  } finally {
    await rt.close();
  }
}
