// The config file: its schema, its defaults (the tutorial's environments, where files live), and
// loading it with errors that point at file:line:column.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod/mini';
import { EDEN_REQUESTS_PER_SECOND } from '../core/limits.js';
import { safeParse } from '../core/zod.js';
import { ConfigurationError } from '../index-node.js';
import { plainObjectProblem, reservedNameProblem } from '../registry/naming.js';
import { CliError, ExitCode } from './errors.js';
import { type SecretsConfig, type StateConfig, secretsSchema, stateSchema, storeFields } from './stores.js';
import { API_VERSIONS, closest, parseDurationMs } from './values.js';

/**
 * The tutorial's environments, used when no config file is found, and by the demo.
 * dev: sandbox tokens, no limits; staging: modest budgets, 90-day expiry; prod: larger budgets,
 * expiry required.
 */
export const tutorialEnvironments = {
  dev: { tokenType: 'sandbox_api_token' },
  staging: { tokenType: 'api_token', budget: { default: 50, max: 100 }, expiry: { defaultDays: 90 } },
  prod: {
    tokenType: 'api_token',
    budget: { default: 500, max: 2000 },
    expiry: { required: true, defaultDays: 90, maxDays: 180 },
  },
} as const;

/** The tutorial's setup_environments.py, as a desired state for `plan` / `apply`. */
export const tutorialDesired = {
  dev: { 'web-app': {}, 'mobile-app': {}, testing: {} },
  staging: {
    'web-app': { budget: 50, expiresInDays: 90 },
    'mobile-app': { budget: 50, expiresInDays: 90 },
  },
  prod: {
    'web-app': { budget: 500, expiresInDays: 90 },
    'mobile-app': { budget: 500, expiresInDays: 90 },
    'api-gateway': { budget: 1000, expiresInDays: 90 },
  },
};

/** Where things live when the config file does not say. */
export const defaultPaths = {
  config: 'edenai-tokens.config.json',
  secrets: '.edenai-tokens/secrets.enc',
  state: '.edenai-tokens/state.json',
  fake: '.edenai-fake.json',
} as const;

/** Eden documents 10 requests per second per account: pace on the client, never retry into 429s. */
export const DEFAULT_REQUESTS_PER_SECOND = EDEN_REQUESTS_PER_SECOND;

const duration = z.union([z.number().check(z.int(), z.nonnegative()), z.string()]);

const notifierSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('console') }),
  z.strictObject({ type: z.literal('webhook'), url: z.url(), secretEnv: z.string().check(z.minLength(1)) }),
  z.strictObject({ type: z.literal('slack'), webhookUrlEnv: z.string().check(z.minLength(1)) }),
]);

const apiSchema = z.strictObject({
  /** Which API manages the tokens; `--api` and EDENAI_API_VERSION win over it. Default v2. */
  version: z.optional(z.enum(API_VERSIONS)),
  /** The v2 API's base URL (with `/v2`). */
  baseUrl: z.optional(z.url()),
  /** The v3 Management API's base URL (with `/v3`). */
  managementBaseUrl: z.optional(z.url()),
  maxRequestsPerSecond: z.optional(z.number().check(z.int(), z.positive())),
  timeoutMs: z.optional(z.number().check(z.int(), z.positive())),
  maxRetries: z.optional(z.number().check(z.int(), z.nonnegative())),
});

const rotationSchema = z.strictObject({
  /** `24h`, `30m` or milliseconds. */
  gracePeriod: z.optional(duration),
  /** USD the old generation keeps during the grace period. */
  graceAllowance: z.optional(z.number().check(z.nonnegative())),
  concurrency: z.optional(z.number().check(z.int(), z.positive())),
});

/** The config file: every field optional. Secrets never live here, only the names of variables holding them. */
export const configSchema = z.strictObject({
  $schema: z.optional(z.string()),
  environments: z.optional(z.record(z.string(), z.unknown())),
  desired: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
  secrets: z.optional(secretsSchema),
  state: z.optional(stateSchema),
  api: z.optional(apiSchema),
  rotation: z.optional(rotationSchema),
  notifiers: z.optional(z.array(notifierSchema)),
});

export type NotifierConfig = z.output<typeof notifierSchema>;

/** The config after defaults, with paths resolved against the config file's folder. */
export interface CliConfig {
  /** The file it came from; undefined when built-in defaults are used. */
  source: string | undefined;
  environments: Record<string, unknown>;
  /** Where an environment's policy is written, for messages: `config.json:4:5`, a file, or the defaults. */
  environmentAt(environment: string): string;
  desired: Record<string, Record<string, unknown>> | undefined;
  secrets: SecretsConfig;
  state: StateConfig;
  /** Where a store is configured, for its errors: `config.json:7:5` (its `type`), a file, or the defaults. */
  storeAt(store: 'secrets' | 'state'): string;
  api: z.output<typeof apiSchema>;
  rotation: { gracePeriodMs?: number; graceAllowance?: number; concurrency?: number };
  notifiers: NotifierConfig[];
}

/** A path as messages show it: relative to the working directory when inside it, like `git` does. */
export function shownPath(path: string, cwd: string): string {
  const r = relative(cwd, path);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : path;
}

/** A config file as read: its value, and its JSON text when it is JSON (to locate mistakes). */
interface RawConfig {
  value: unknown;
  text?: string;
}

/** Offset → `line:column`, both from 1, as editors count. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

/**
 * Offset of the member at `path` in a JSON text that parses (of its key, for an object member), or
 * of the deepest parent found: enough to send an editor to the right line.
 */
function locate(text: string, path: readonly PropertyKey[]): number {
  let i = 0;
  const space = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  // Walks the value at `i`; returns the offset of `rest` inside it (null: only skip the value).
  const walk = (rest: readonly PropertyKey[] | null, here: number): number | undefined => {
    space();
    const open = text[i];
    if (open !== '{' && open !== '[') {
      if (open === '"') string();
      else while (i < text.length && !/[,\]}\s]/.test(text[i]!)) i++;
      return rest?.length === 0 ? here : undefined;
    }
    const close = open === '{' ? '}' : ']';
    let found: number | undefined = rest?.length === 0 ? here : undefined;
    i++;
    space();
    for (let index = 0; text[i] !== close && i < text.length; index++) {
      const at = i;
      const key = open === '{' ? string() : String(index);
      if (open === '{') {
        space();
        i++; // the colon
      }
      const match = rest !== null && rest.length > 0 && key === String(rest[0]);
      const inner = walk(match ? rest.slice(1) : null, at);
      if (match && found === undefined) found = inner ?? at;
      space();
      if (text[i] === ',') i++;
      space();
    }
    i++;
    return found;
  };
  try {
    return walk(path, 0) ?? 0;
  } catch {
    return 0; // a text that does not parse was reported as such already
  }
}

/** `file.json:3:5` for a JSON file, the file for a module, the defaults for no file. */
function where(
  file: { source: string | undefined; text: string | undefined; cwd: string },
  path: readonly PropertyKey[],
): string {
  if (!file.source) return 'the built-in defaults';
  const shown = shownPath(file.source, file.cwd);
  return file.text === undefined ? shown : `${shown}:${lineColumn(file.text, locate(file.text, path))}`;
}

function configDuration(text: string, at: string): number {
  try {
    return parseDurationMs('gracePeriod', text);
  } catch {
    throw new ConfigurationError(
      `Invalid rotation.gracePeriod "${text}" in ${at}: use 24h, 30m, 2d or milliseconds`,
    );
  }
}

/** The fields of the object at `path` (a store's, by its `type`), for a "did you mean". */
function fieldsAt(path: string, raw: unknown): readonly string[] {
  if (path === '') return Object.keys(configSchema.shape);
  if (path === 'api') return Object.keys(apiSchema.shape);
  if (path === 'rotation') return Object.keys(rotationSchema.shape);
  if (path !== 'secrets' && path !== 'state') return [];
  const type = (raw as Record<string, { type?: unknown } | undefined> | undefined)?.[path]?.type;
  return storeFields[path][String(type)] ?? [];
}

/** The first schema mistake, located, with a "did you mean" for a misspelt field or store type. */
function schemaError(
  error: z.core.$ZodError,
  file: { source: string | undefined; text: string | undefined; cwd: string },
  raw: unknown,
): ConfigurationError {
  const issue = error.issues[0]!;
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path = unknownKey === undefined ? issue.path : [...issue.path, unknownKey];
  const field = path.map(String).join('.');
  let problem = `${field || 'the file'}: ${issue.message}`;
  if (unknownKey !== undefined) {
    const near = closest(unknownKey, fieldsAt(issue.path.map(String).join('.'), raw));
    problem = `unknown field "${field}"${near ? ` (did you mean "${near}"?)` : ''}`;
  } else if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    // A `type` the union does not know: name it, and the one it most likely meant.
    const given = path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], raw);
    const known = ((issue as { options?: unknown[] }).options ?? []).map(String);
    const near = typeof given === 'string' ? closest(given, known) : undefined;
    problem =
      given === undefined
        ? `${field}: missing; use one of ${known.join(', ')}`
        : `${field}: unknown ${JSON.stringify(given)}${near ? ` (did you mean "${near}"?)` : ''}; use one of ${known.join(', ')}`;
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  const at = file.source ? ` in ${where(file, path)}` : '';
  return new ConfigurationError(`Invalid config${at}: ${problem}${more}`);
}

/** Reads a JSON file, or imports a JS module (default export, or named `environments` / `desired`…). */
async function readConfigFile(path: string, cwd: string): Promise<RawConfig> {
  const shown = shownPath(path, cwd);
  if (!existsSync(path))
    throw new CliError(`Config file not found: ${shown}`, ExitCode.notFound, 'not_found');
  const ext = extname(path);
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs' || ext === '.ts' || ext === '.mts') {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigurationError(`Cannot load ${shown}: ${(error as Error).message}`);
    }
    const value = mod['default'] ?? mod;
    // A module namespace is not a plain object: copy its fields so zod accepts it.
    return { value: typeof value === 'object' && value !== null ? { ...value } : value };
  }
  const text = readFileSync(path, 'utf8');
  try {
    return { value: JSON.parse(text) as unknown, text };
  } catch (error) {
    // V8 says "… in JSON at position 42"; editors want line:column.
    const message = (error as Error).message;
    const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? text.length);
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    throw new ConfigurationError(`${shown}:${lineColumn(text, offset)}: not valid JSON: ${reason}`);
  }
}

/**
 * The first environment or app the schema would silently drop (a `__proto__` key, or an object
 * whose prototype a JS config's `__proto__` entry replaced) or that cannot name an environment:
 * checked on the raw value, since the schema's copy has lost them already.
 */
function droppedName(raw: unknown): { path: string[]; problem: string } | undefined {
  const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
  const config = (isObject(raw) ? raw : {}) as Record<string, unknown>;
  // Each object whose keys are names: environments, desired's environments, then their apps.
  const levels: [string[], unknown, 'environment' | 'app'][] = [
    [['environments'], config['environments'], 'environment'],
    [['desired'], config['desired'], 'environment'],
  ];
  for (const [path, value, kind] of levels) {
    if (!isObject(value)) continue;
    const problem = plainObjectProblem(value, path.join('.'));
    if (problem) return { path, problem };
    for (const [name, inner] of Object.entries(value)) {
      const reserved = reservedNameProblem(kind, name);
      if (reserved) return { path: [...path, name], problem: reserved };
      if (path[0] === 'desired' && kind === 'environment') levels.push([[...path, name], inner, 'app']);
    }
  }
  return undefined;
}

/**
 * Validates a raw config object; `source` names the file in messages and anchors relative paths,
 * `text` (a JSON file's) lets messages give the line and column of a mistake.
 */
export function resolveConfig(
  raw: unknown,
  source: string | undefined,
  cwd: string,
  text?: string,
): CliConfig {
  const file = { source, text, cwd };
  const dropped = droppedName(raw);
  if (dropped)
    throw new ConfigurationError(
      `Invalid config${file.source ? ` in ${where(file, dropped.path)}` : ''}: ${dropped.problem}`,
    );
  const r = safeParse(configSchema, raw ?? {});
  if (!r.success) throw schemaError(r.error, file, raw);
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
    rotation.gracePeriodMs =
      typeof g === 'number' ? g : configDuration(g, where(file, ['rotation', 'gracePeriod']));
  }
  if (c.rotation?.graceAllowance !== undefined) rotation.graceAllowance = c.rotation.graceAllowance;
  if (c.rotation?.concurrency !== undefined) rotation.concurrency = c.rotation.concurrency;
  return {
    source,
    environments: c.environments ?? { ...tutorialEnvironments },
    environmentAt: (env) =>
      c.environments ? where(file, ['environments', env]) : 'the built-in environments',
    desired: c.desired,
    secrets: secrets.type === 'file' ? { ...secrets, path: at(secrets.path) } : secrets,
    state: state.type === 'file' ? { ...state, path: at(state.path) } : state,
    storeAt: (store) => (c[store] ? where(file, [store, 'type']) : 'the built-in defaults'),
    api: c.api ?? {},
    rotation,
    notifiers: c.notifiers ?? [],
  };
}

/** `--config` if given (must exist), else `./edenai-tokens.config.json` if present, else defaults. */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<CliConfig> {
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, defaultPaths.config);
  if (!explicit && !existsSync(path)) return resolveConfig({}, undefined, cwd);
  const { value, text } = await readConfigFile(path, cwd);
  return resolveConfig(value, path, cwd, text);
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
  const { value, text } = await readConfigFile(path, cwd);
  const file = resolveConfig(value, path, cwd, text);
  const has = (key: string) => typeof value === 'object' && value !== null && key in value;
  return {
    source: path,
    environments: has('environments') ? file.environments : base.environments,
    environmentAt: has('environments') ? file.environmentAt : base.environmentAt,
    desired: file.desired ?? base.desired,
    secrets: has('secrets') ? file.secrets : base.secrets,
    state: has('state') ? file.state : base.state,
    storeAt: (store) => (has(store) ? file : base).storeAt(store),
    api: has('api') ? file.api : base.api,
    rotation: has('rotation') ? file.rotation : base.rotation,
    notifiers: has('notifiers') ? file.notifiers : base.notifiers,
  };
}
