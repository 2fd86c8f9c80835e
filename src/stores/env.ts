// A read-only SecretStore over environment variables and `.env` files (parsed here, never
// copied into `process.env`). Node-only.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import type { SecretStore, StoredSecret } from '../ports/stores.js';
import { assertKey, listKeys, toStored } from './cas.js';

/**
 * Options of `EnvSecretStore`.
 *
 * @example
 * const options: EnvSecretStoreOptions = { vars: { 'edenai/prod-web-app': 'EDENAI_API_KEY' }, dataDir: false };
 */
export interface EnvSecretStoreOptions {
  /** Explicit key → variable name mapping, checked before the prefix rule. */
  vars?: Record<string, string>;
  /** Prefix of derived variable names. Default `EDENAI_TOKEN_`. */
  prefix?: string;
  /** Folder whose `.env` is read second. Default `~/.edenai-tokens`; `false` to skip. */
  dataDir?: string | false;
  /** Folder whose `.env` is read last. Default `process.cwd()`; `false` to skip. */
  cwd?: string | false;
  /** The system environment, read first. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

interface Source {
  label: string;
  values: Map<string, string> | Record<string, string | undefined>;
  ignored?: IgnoredLine[];
  missing?: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A read-only `SecretStore` over environment variables, for services that receive their token
 * from the platform. A key maps to a variable by `vars[key]`, else by `prefix` + the key upper-cased
 * with every character other than A–Z and 0–9 replaced by `_`: `edenai/prod-web-app` →
 * `EDENAI_TOKEN_EDENAI_PROD_WEB_APP` (so `a-b` and `a_b` share a variable).
 *
 * Looks in order, first non-empty value wins: the system environment, `<dataDir>/.env`, then
 * `.env` in `cwd`. The `.env` files are read once (call `reload()` to re-read) and never copied
 * into `process.env`. Writes throw a `ConfigurationError`.
 *
 * @example
 * const secrets = new EnvSecretStore();
 * const { value } = await secrets.require('edenai/prod-web-app'); // reads EDENAI_TOKEN_EDENAI_PROD_WEB_APP
 */
export class EnvSecretStore implements SecretStore {
  readonly #vars: Record<string, string>;
  readonly #prefix: string;
  readonly #files: string[];
  readonly #env: Record<string, string | undefined>;
  #loaded: Promise<Source[]> | undefined;

  constructor(options: EnvSecretStoreOptions = {}) {
    this.#prefix = options.prefix ?? 'EDENAI_TOKEN_';
    if (!/^[A-Za-z0-9_]*$/.test(this.#prefix)) {
      throw new ConfigurationError(
        `EnvSecretStore prefix ${JSON.stringify(this.#prefix)} may use only A-Z, 0-9 and _`,
      );
    }
    this.#vars = { ...options.vars };
    for (const [key, name] of Object.entries(this.#vars)) {
      if (!NAME.test(name)) {
        throw new ConfigurationError(
          `EnvSecretStore vars[${JSON.stringify(key)}] is not a valid variable name`,
        );
      }
    }
    const dataDir = options.dataDir ?? join(homedir(), '.edenai-tokens');
    const cwd = options.cwd ?? process.cwd();
    this.#files = [dataDir, cwd].filter((d): d is string => d !== false).map((d) => resolve(d, '.env'));
    this.#env = options.env ?? process.env;
  }

  /** The variable a key reads: `vars[key]`, else the prefix rule. */
  variableFor(key: string): string {
    assertKey(key);
    return Object.hasOwn(this.#vars, key)
      ? this.#vars[key]!
      : this.#prefix + key.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  }

  async get(key: string): Promise<StoredSecret | undefined> {
    const name = this.variableFor(key);
    for (const source of await this.sources()) {
      const value = read(source, name);
      if (value) {
        // Same value from the same place → same version; any change → a new one. Reveals nothing.
        const version = createHash('sha256').update(`edenai-token-manager/env\0${source.label}\0${value}`);
        return toStored({
          value,
          version: `env-${version.digest('hex').slice(0, 16)}`,
          metadata: { variable: name, source: source.label },
        });
      }
    }
    return undefined;
  }

  /** Like `get`, but a missing value is a `ConfigurationError` naming the variable and where it looked. */
  async require(key: string): Promise<StoredSecret> {
    const found = await this.get(key);
    if (found) return found;
    const name = this.variableFor(key);
    const sources = await this.sources();
    const places = sources.map((s) => (s.missing ? `${s.label} (no such file)` : s.label)).join(', ');
    const notes = sources.flatMap((s) =>
      (s.ignored ?? [])
        .filter((l) => l.name === name)
        .map((l) => ` ${s.label} line ${l.line} was ignored: ${l.reason}.`),
    );
    throw new ConfigurationError(
      `Secret ${JSON.stringify(key)} is not set: set the environment variable ${name} (looked in ${places}).${notes.join('')}`,
    );
  }

  async set(key: string, _value?: unknown, _options?: unknown): Promise<never> {
    throw this.readOnly(key);
  }

  async delete(key: string, _options?: unknown): Promise<never> {
    throw this.readOnly(key);
  }

  /**
   * Keys whose variable has a value: `vars` keys, plus `prefix` variables listed as the lower-cased
   * rest of their name (`EDENAI_TOKEN_PROD_WEB` → `prod_web`, which `get` maps back to the same variable).
   */
  async list(prefix?: string): Promise<string[]> {
    const sources = await this.sources();
    const keys = new Set<string>();
    const mapped = new Set(Object.values(this.#vars));
    for (const key of Object.keys(this.#vars))
      if (sources.some((s) => read(s, this.#vars[key]!))) keys.add(key);
    if (this.#prefix) {
      for (const source of sources) {
        const names = source.values instanceof Map ? source.values.keys() : Object.keys(source.values);
        for (const name of names) {
          if (
            name.startsWith(this.#prefix) &&
            name !== this.#prefix &&
            !mapped.has(name) &&
            read(source, name)
          ) {
            keys.add(name.slice(this.#prefix.length).toLowerCase());
          }
        }
      }
    }
    return listKeys(keys, prefix);
  }

  /** Re-reads the `.env` files on the next call. */
  reload(): void {
    this.#loaded = undefined;
  }

  private readOnly(key: string): ConfigurationError {
    return new ConfigurationError(
      `EnvSecretStore is read-only: set ${this.variableFor(key)} in the environment or a .env file instead`,
    );
  }

  private sources(): Promise<Source[]> {
    this.#loaded ??= Promise.all(this.#files.map(loadFile)).then((files) => [
      { label: 'the process environment', values: this.#env },
      ...files,
    ]);
    return this.#loaded;
  }
}

const read = (source: Source, name: string) =>
  source.values instanceof Map
    ? source.values.get(name)
    : Object.hasOwn(source.values, name)
      ? source.values[name]
      : undefined;

async function loadFile(path: string): Promise<Source> {
  try {
    const { values, ignored } = parseDotenv(await readFile(path, 'utf8'));
    return { label: path, values, ignored };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { label: path, values: new Map(), missing: true };
  }
}

/** A `.env` line that was skipped, with why. Never carries the value. */
export interface IgnoredLine {
  line: number;
  name?: string;
  reason: string;
}

export interface ParsedDotenv {
  values: Map<string, string>;
  ignored: IgnoredLine[];
}

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)(\s*)=(\s*)(.*)$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * The simple `.env` format: `KEY=VALUE` per line; `#` starts a comment line (or an inline comment
 * after whitespace); blank lines are skipped; values with spaces need "double" (with \n \t \" \\
 * escapes) or 'single' (literal) quotes; a line with spaces around `=` is ignored. The last
 * assignment of a name wins. Ignored lines are reported so a missing-variable error can say why.
 */
export function parseDotenv(text: string): ParsedDotenv {
  const values = new Map<string, string>();
  const ignored: IgnoredLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseLine(line);
    if ('value' in parsed) values.set(parsed.name, parsed.value);
    else ignored.push({ line: i + 1, ...(parsed.name && { name: parsed.name }), reason: parsed.error });
  }
  return { values, ignored };
}

function parseLine(
  line: string,
): { name: string; value: string } | { name?: string | undefined; error: string } {
  const m = LINE.exec(line);
  if (!m) return { name: /^[A-Za-z_][A-Za-z0-9_]*/.exec(line)?.[0], error: 'not a KEY=VALUE line' };
  const [, name, before, after, rest = ''] = m as unknown as [string, string, string, string, string];
  if (before || after) return { name, error: 'spaces around "="' };
  const value = parseValue(rest);
  return typeof value === 'string' ? { name, value } : { name, error: value.error };
}

function parseValue(rest: string): string | { error: string } {
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    let value = '';
    let i = 1;
    for (; i < rest.length && rest[i] !== quote; i++) {
      const ch = rest[i]!;
      if (quote === '"' && ch === '\\' && i + 1 < rest.length) {
        const next = rest[++i]!;
        value += ESCAPES[next] ?? `\\${next}`;
      } else value += ch;
    }
    if (i >= rest.length) return { error: 'unterminated quote' };
    const tail = rest.slice(i + 1).trim();
    return tail === '' || tail.startsWith('#') ? value : { error: 'text after the closing quote' };
  }
  const value = rest.replace(/\s+#.*$/, '');
  return /\s/.test(value) ? { error: 'unquoted value contains spaces (quote it)' } : value;
}
