// What a command runs on, built once per invocation from the config file, the environment and
// `--fake`: the API clients, the registry, the stores, the notifiers and the rotation manager.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type AuditSink,
  type ClientOptions,
  type Clock,
  ConfigurationError,
  ConsoleNotifier,
  CostClient,
  CustomTokenClient,
  type EnvironmentPolicyInput,
  FileSecretStore,
  FileStateStore,
  ManagementKeyBackend,
  ManagementKeyClient,
  type ManagementKeyClientOptions,
  type Notifier,
  RateLimiter,
  RotationManager,
  type SecretStore,
  SlackNotifier,
  type StateStore,
  type TokenBackend,
  TokenRegistry,
  type UsageSource,
  WebhookNotifier,
} from '../index-node.js';
import { createFakeEdenAI, type FakeEdenAI } from '../testing/index.js';
import { MANAGEMENT_KEY_ENV } from '../v3/core.js';
import { actorOf, openAuditSink } from './audit.js';
import {
  type CliConfig,
  DEFAULT_REQUESTS_PER_SECOND,
  defaultPaths,
  loadConfig,
  type NotifierConfig,
  shownPath,
} from './config.js';
import type { Output } from './output.js';
import type { CommandContext } from './spec.js';
import { openSecretStore, openStateStore } from './stores.js';
import type { ApiVersion } from './values.js';

/** Everything a command needs. */
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
  /** The audit trail of the command's writes (the demo keeps none). */
  audit?: AuditSink;
  /** `--actor`, else `user@host`. */
  actor?: string;
  close(): Promise<void>;
}

/** Not a secret: it only keeps the fake's local files from being plain text. */
export const FAKE_PASSPHRASE = 'edenai-token-manager-fake-local-files';

/** `.edenai-fake.json` → `.edenai-fake-secrets.json`, `.edenai-fake-state.json`. */
export function fakeFiles(fakeFile: string): { server: string; secrets: string; state: string } {
  const base = fakeFile.replace(/\.json$/, '');
  return { server: fakeFile, secrets: `${base}-secrets.json`, state: `${base}-state.json` };
}

/** Where `--fake` and `demo --keep` keep their files. */
export function fakeFileOf(ctx: CommandContext): string {
  return resolve(ctx.cwd, ctx.global.fakeFile ?? ctx.env['EDENAI_FAKE_FILE'] ?? defaultPaths.fake);
}

/** What a runtime talks to: the token backend and the usage source of one API version. */
export interface ApiClients {
  backend: TokenBackend;
  usageSource: UsageSource;
}

/**
 * v2: `CustomTokenClient` + `CostClient` on the same options (so the same rate limiter).
 * v3: one `ManagementKeyClient`, both the backend's transport and the usage source.
 */
export function openApiClients(
  api: ApiVersion,
  options: { v2: () => ClientOptions; v3: () => ManagementKeyClientOptions },
): ApiClients {
  if (api === 'v3') {
    const client = new ManagementKeyClient(options.v3());
    return { backend: new ManagementKeyBackend(client), usageSource: client };
  }
  const v2 = options.v2();
  return { backend: new CustomTokenClient(v2), usageSource: new CostClient(v2) };
}

/**
 * Proves the secret store can take a token value (writable; the passphrase set, long enough and
 * the one its file was written with) before a command changes anything at Eden: a value Eden
 * hands over once must have somewhere to go.
 */
export async function checkSecrets(rt: Runtime, cwd: string): Promise<void> {
  const s = rt.fake ? undefined : rt.config.secrets;
  if (s?.type === 'env') {
    throw new ConfigurationError(
      `The secret store is read-only (secrets.type "env"): this command stores token values, so give the config one that takes writes: "file", "aws", "vault", "azure", "gcp" or "kubernetes"`,
    );
  }
  try {
    await rt.secrets.list();
  } catch (error) {
    if (s?.type !== 'file' || !(error instanceof ConfigurationError) || error.message.includes(s.keyEnv))
      throw error;
    const message = error.message.replaceAll(s.path, shownPath(s.path, cwd));
    throw new ConfigurationError(`${message} (the passphrase comes from ${s.keyEnv})`, { cause: error });
  }
}

/** Reads a key from the environment only; never from the command line (shell history, `ps`). */
function requireKey(env: Record<string, string | undefined>, name: string, what: string): string {
  const key = env[name];
  if (!key) throw new ConfigurationError(`Set ${name} to ${what} (or try --fake for a local fake)`);
  return key;
}

/**
 * The real API's client options from the config, for a key from the environment (where keys
 * live), with one rate limiter shared by every client: they all spend the account's request budget.
 */
export function realClientOptions(config: CliConfig): {
  v2(apiKey: string): ClientOptions;
  v3(managementKey: string): ManagementKeyClientOptions;
} {
  const { baseUrl, managementBaseUrl, timeoutMs, maxRetries } = config.api;
  const rateLimiter = new RateLimiter({
    perSecond: config.api.maxRequestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND,
  });
  const shared = { timeoutMs, maxRetries, rateLimiter };
  return {
    v2: (apiKey) => ({ ...shared, baseUrl, apiKey }),
    v3: (managementKey) => ({ ...shared, baseUrl: managementBaseUrl, apiKey: managementKey }),
  };
}

/** The real API's clients: keys from the environment. */
function realClients(
  api: ApiVersion,
  config: CliConfig,
  env: Record<string, string | undefined>,
): ApiClients {
  const options = realClientOptions(config);
  return openApiClients(api, {
    v2: () => options.v2(requireKey(env, 'EDENAI_API_KEY', 'your Eden AI API key')),
    v3: () =>
      options.v3(
        requireKey(
          env,
          MANAGEMENT_KEY_ENV,
          'an Eden AI management key (mgmt-eden-…, scopes manage:read and manage:write) for --api v3',
        ),
      ),
  });
}

/**
 * The registry, its policies validated. A policy mistake names the file and line of the
 * environment at fault: each environment is tried alone to find which one it is.
 */
export function openRegistry(
  config: CliConfig,
  parts: { backend: TokenBackend; secrets: SecretStore; clock: Clock; audit?: AuditSink; actor?: string },
): TokenRegistry {
  const build = (environments: Record<string, unknown>) =>
    new TokenRegistry({ ...parts, environments: environments as Record<string, EnvironmentPolicyInput> });
  try {
    return build(config.environments);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const culprit = Object.keys(config.environments).find((name) => {
      try {
        build({ [name]: config.environments[name] });
        return false;
      } catch {
        return true;
      }
    });
    const at = culprit ? config.environmentAt(culprit) : (config.source ?? 'the built-in defaults');
    throw new ConfigurationError(`${at}: ${error.message}`, { cause: error });
  }
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
    const files = fakeFiles(fakeFileOf(ctx));
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
    const stores = { env: ctx.env, shown: (path: string) => shownPath(path, ctx.cwd) };
    secrets = await openSecretStore(config.secrets, { ...stores, at: config.storeAt('secrets') });
    state = await openStateStore(config.state, { ...stores, at: config.storeAt('state') });
  }
  const { backend, usageSource } = clients;
  const audit = openAuditSink(ctx);
  const actor = actorOf(ctx);
  const registry = openRegistry(config, { backend, secrets, clock, audit, actor });
  return withClose({
    config,
    api,
    registry,
    backend,
    usageSource,
    secrets,
    state,
    clock,
    fake,
    audit,
    actor,
  });
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

/** The RotationManager for this runtime: grace period, allowance and concurrency from the config. */
export function openRotations(rt: Runtime): RotationManager {
  const { gracePeriodMs, graceAllowance, concurrency } = rt.config.rotation;
  return new RotationManager({
    registry: rt.registry,
    state: rt.state,
    clock: rt.clock,
    ...(gracePeriodMs === undefined ? {} : { gracePeriodMs }),
    ...(graceAllowance === undefined ? {} : { graceAllowance }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(rt.audit ? { audit: rt.audit } : {}),
    ...(rt.actor ? { actor: rt.actor } : {}),
  });
}

function fromEnv(env: Record<string, string | undefined>, name: string, what: string): string {
  const value = env[name];
  if (!value)
    throw new ConfigurationError(`Set ${name}: it holds the ${what} named in the config's notifiers`);
  return value;
}

/**
 * The config's `notifiers`, built. Secrets (webhook signing secrets, Slack URLs) come from the
 * environment variables the config names. Console alerts go to stderr so `--json` stays parseable.
 */
export function buildNotifiers(
  configs: readonly NotifierConfig[],
  env: Record<string, string | undefined>,
  out: Output,
): Notifier[] {
  return configs.map((c): Notifier => {
    switch (c.type) {
      case 'console':
        return new ConsoleNotifier({
          logger: { info: (l) => out.note(l), warn: (l) => out.note(l), error: (l) => out.note(l) },
        });
      case 'webhook':
        return new WebhookNotifier({
          url: c.url,
          secret: fromEnv(env, c.secretEnv, 'webhook signing secret'),
        });
      default:
        return new SlackNotifier({ webhookUrl: fromEnv(env, c.webhookUrlEnv, 'Slack webhook URL') });
    }
  });
}
