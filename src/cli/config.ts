import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigurationError } from '../core/errors.js';
import { API_VERSIONS } from './api-version.js';
import { defaultPaths, tutorialEnvironments } from './defaults.js';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { parseDurationMs } from './values.js';

const duration = z.union([z.number().int().nonnegative(), z.string()]);

const secretsSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('file'),
    path: z.string().min(1),
    /** Environment variable holding the passphrase; never put the passphrase in the file. */
    keyEnv: z.string().min(1).default('EDENAI_TOKENS_KEY'),
  }),
  z.strictObject({ type: z.literal('env'), prefix: z.string().optional() }),
  z.strictObject({ type: z.literal('memory') }),
]);

const stateSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('file'), path: z.string().min(1) }),
  z.strictObject({ type: z.literal('memory') }),
]);

const notifierSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('console') }),
  z.strictObject({ type: z.literal('webhook'), url: z.url(), secretEnv: z.string().min(1) }),
  z.strictObject({ type: z.literal('slack'), webhookUrlEnv: z.string().min(1) }),
]);

/** The config file: every field optional. Secrets never live here, only the names of variables holding them. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  environments: z.record(z.string(), z.unknown()).optional(),
  desired: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  secrets: secretsSchema.optional(),
  state: stateSchema.optional(),
  api: z
    .strictObject({
      /** Which API manages the tokens; `--api` and EDENAI_API_VERSION win over it. Default v2. */
      version: z.enum(API_VERSIONS).optional(),
      /** The v2 API's base URL (with `/v2`). */
      baseUrl: z.url().optional(),
      /** The v3 Management API's base URL (with `/v3`). */
      managementBaseUrl: z.url().optional(),
      maxRequestsPerSecond: z.number().int().positive().optional(),
      timeoutMs: z.number().int().positive().optional(),
      maxRetries: z.number().int().nonnegative().optional(),
    })
    .optional(),
  rotation: z
    .strictObject({
      /** `24h`, `30m` or milliseconds. */
      gracePeriod: duration.optional(),
      /** USD the old generation keeps during the grace period. */
      graceAllowance: z.number().nonnegative().optional(),
      concurrency: z.number().int().positive().optional(),
    })
    .optional(),
  notifiers: z.array(notifierSchema).optional(),
});

export type NotifierConfig = z.infer<typeof notifierSchema>;
export type SecretsConfig = z.infer<typeof secretsSchema>;
export type StateConfig = z.infer<typeof stateSchema>;

/** The config after defaults, with paths resolved against the config file's folder. */
export interface CliConfig {
  /** The file it came from; undefined when built-in defaults are used. */
  source: string | undefined;
  environments: Record<string, unknown>;
  desired: Record<string, Record<string, unknown>> | undefined;
  secrets: SecretsConfig;
  state: StateConfig;
  api: NonNullable<z.infer<typeof configSchema>['api']>;
  rotation: { gracePeriodMs?: number; graceAllowance?: number; concurrency?: number };
  notifiers: NotifierConfig[];
}

function configDuration(text: string, source: string | undefined): number {
  try {
    return parseDurationMs('gracePeriod', text);
  } catch {
    throw new ConfigurationError(
      `Invalid rotation.gracePeriod "${text}"${source ? ` in ${source}` : ''}: use 24h, 30m, 2d or milliseconds`,
    );
  }
}

/** Reads a JSON file, or imports a JS module (default export, or named `environments` / `desired`…). */
export async function readConfigFile(path: string): Promise<unknown> {
  if (!existsSync(path)) throw new CliError(`Config file not found: ${path}`, ExitCode.notFound, 'not_found');
  const ext = extname(path);
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs' || ext === '.ts' || ext === '.mts') {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigurationError(`Cannot load ${path}: ${(error as Error).message}`);
    }
    const value = mod['default'] ?? mod;
    // A module namespace is not a plain object: copy its fields so zod accepts it.
    return typeof value === 'object' && value !== null ? { ...value } : value;
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new ConfigurationError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Validates a raw config object; `source` names the file in messages and anchors relative paths. */
export function resolveConfig(raw: unknown, source: string | undefined, cwd: string): CliConfig {
  const r = configSchema.safeParse(raw ?? {});
  if (!r.success) {
    throw new ConfigurationError(
      `Invalid config${source ? ` in ${source}` : ''}: ${z.prettifyError(r.error)}`,
    );
  }
  const c = r.data;
  const base = source ? dirname(source) : cwd;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const secrets: SecretsConfig = c.secrets ?? {
    type: 'file',
    path: defaultPaths.secrets,
    keyEnv: 'EDENAI_TOKENS_KEY',
  };
  const state: StateConfig = c.state ?? { type: 'file', path: defaultPaths.state };
  const rotation: CliConfig['rotation'] = {};
  if (c.rotation?.gracePeriod !== undefined) {
    const g = c.rotation.gracePeriod;
    rotation.gracePeriodMs = typeof g === 'number' ? g : configDuration(g, source);
  }
  if (c.rotation?.graceAllowance !== undefined) rotation.graceAllowance = c.rotation.graceAllowance;
  if (c.rotation?.concurrency !== undefined) rotation.concurrency = c.rotation.concurrency;
  return {
    source,
    environments: c.environments ?? { ...tutorialEnvironments },
    desired: c.desired,
    secrets: secrets.type === 'file' ? { ...secrets, path: at(secrets.path) } : secrets,
    state: state.type === 'file' ? { ...state, path: at(state.path) } : state,
    api: c.api ?? {},
    rotation,
    notifiers: c.notifiers ?? [],
  };
}

/** `--config` if given (must exist), else `./edenai-tokens.config.json` if present, else defaults. */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<CliConfig> {
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, defaultPaths.config);
  if (!explicit && !existsSync(path)) return resolveConfig({}, undefined, cwd);
  return resolveConfig(await readConfigFile(path), path, cwd);
}

/**
 * `plan <file>` / `apply <file>`: the file has the config format; the fields it sets override the
 * --config file's (so a file with only `{ environments, desired }` keeps the usual secret store).
 */
export async function loadConfigWithOverride(
  explicit: string | undefined,
  overridePath: string | undefined,
  cwd: string,
): Promise<CliConfig> {
  const base = await loadConfig(explicit, cwd);
  if (!overridePath) return base;
  const path = resolve(cwd, overridePath);
  const raw = await readConfigFile(path);
  const file = resolveConfig(raw, path, cwd);
  const has = (key: string) => typeof raw === 'object' && raw !== null && key in raw;
  return {
    source: path,
    environments: has('environments') ? file.environments : base.environments,
    desired: file.desired ?? base.desired,
    secrets: has('secrets') ? file.secrets : base.secrets,
    state: has('state') ? file.state : base.state,
    api: has('api') ? file.api : base.api,
    rotation: has('rotation') ? file.rotation : base.rotation,
    notifiers: has('notifiers') ? file.notifiers : base.notifiers,
  };
}
