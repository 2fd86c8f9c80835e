import type { ApiVersion } from './api-version.js';
import type { Output } from './output.js';

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

/** A command's metadata: enough for help and parsing without loading its code (or the SDK). */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Extra paragraphs for `<command> --help`. */
  details?: string[];
  args?: ArgSpec[];
  options?: Record<string, OptionSpec>;
  examples: string[];
  /** Loads the implementation on demand (keeps start-up fast). */
  load(): Promise<CommandModule>;
}

export interface CommandModule {
  /** Returns the exit code (default 0). Throws for failures; main maps errors to codes. */
  run(ctx: CommandContext): Promise<number | undefined>;
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
}

export interface CommandContext {
  command: string;
  /** Positional arguments after the command name. */
  args: string[];
  /** The command's own options, parsed. */
  options: Record<string, string | boolean | undefined>;
  global: GlobalFlags;
  out: Output;
  env: Record<string, string | undefined>;
  cwd: string;
}
