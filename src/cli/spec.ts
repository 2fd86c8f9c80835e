// The shape of a command, shared by the command table and every command: its options,
// arguments, and the context it runs in. Apart from the table so commands never import it.
import type { Output, Source } from './output.js';
import type { ApiVersion } from './values.js';

/** One option of a command, as `node:util` `parseArgs` wants it plus help text. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help: `--budget <usd>`. */
  value?: string;
  description: string;
}

export interface ArgSpec {
  name: string;
  required?: boolean;
  description: string;
}

/** Runs a command; returns the exit code (default 0). Throws for failures; `run` maps errors to codes. */
export type CommandRun = (ctx: CommandContext) => Promise<number | undefined>;

export interface CommandSpec {
  name: string;
  summary: string;
  /** Extra paragraphs for `<command> --help`. */
  details?: string[];
  args?: ArgSpec[];
  options?: Record<string, OptionSpec>;
  examples: string[];
  /** Loads the implementation on demand (keeps start-up fast). */
  load(): Promise<CommandRun>;
}

/** Options every command accepts. */
export interface GlobalFlags {
  config: string | undefined;
  /** `--api`, else EDENAI_API_VERSION; undefined when neither is set (the config file decides). */
  api: ApiVersion | undefined;
  fake: boolean;
  fakeFile: string | undefined;
  json: boolean;
  noColor: boolean;
  debug: boolean;
  /** `--actor`: who acts, for the audit trail (default `user@host`). */
  actor: string | undefined;
  /** `--reason`: why, for the audit trail. */
  reason: string | undefined;
}

export interface CommandContext {
  command: string;
  /** Positional arguments after the command name. */
  args: string[];
  /** The command's own options, parsed. */
  options: Record<string, string | boolean | undefined>;
  global: GlobalFlags;
  out: Output;
  /** Where a question's answer comes from (`delete` asks on a terminal). */
  stdin: Source;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Options every command accepts (listed once in `--help`). */
export const globalOptions: Record<string, OptionSpec> = {
  config: {
    type: 'string',
    value: 'path',
    description: 'config file (.json, .js or .mjs); default ./edenai-tokens.config.json if present',
  },
  api: {
    type: 'string',
    value: 'v2|v3',
    description: 'v2: custom tokens (default); v3: the Management API (keys by id, a management key)',
  },
  fake: {
    type: 'boolean',
    description: 'use the built-in fake Eden AI; its state persists in local files across runs',
  },
  'fake-file': {
    type: 'string',
    value: 'path',
    description: 'where --fake keeps the fake server state (default ./.edenai-fake.json)',
  },
  json: { type: 'boolean', description: 'machine-readable JSON on stdout (stable keys)' },
  'no-color': {
    type: 'boolean',
    description: 'no colours (also: NO_COLOR=1; colours need a terminal anyway)',
  },
  debug: { type: 'boolean', description: 'print stack traces (and their causes) with errors' },
  actor: {
    type: 'string',
    value: 'who',
    description: 'who acts, recorded in the audit trail (default: user@host)',
  },
  reason: { type: 'string', value: 'text', description: 'why, recorded in the audit trail' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', description: 'print the version' },
};
