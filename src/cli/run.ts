import { parseArgs } from 'node:util';
import { apiVersionFrom } from './api-version.js';
import { commands, findCommand, globalOptions } from './commands.js';
import { CliError, classifyError, usageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { commandHelp, generalHelp } from './help.js';
import { Output, type Sink } from './output.js';
import type { CommandSpec, GlobalFlags, OptionSpec } from './spec.js';
import { shouldColor } from './style.js';
import { readVersion } from './version.js';

export interface RunIO {
  stdout: Sink;
  stderr: Sink;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Finds the command name: the first argument that is neither an option nor a global option's value. */
function splitCommand(argv: string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) {
      const key = arg.replace(/^--?/, '');
      if (!arg.includes('=') && globalOptions[key]?.type === 'string') i++;
      continue;
    }
    return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: argv };
}

function parserOptions(specs: Record<string, OptionSpec>) {
  return Object.fromEntries(
    Object.entries(specs).map(([k, o]) => [k, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  );
}

function parse(spec: CommandSpec | undefined, rest: string[]) {
  try {
    return parseArgs({
      args: rest,
      options: parserOptions({ ...globalOptions, ...spec?.options }),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs' messages are clear but long; keep the first sentence.
    const message = (error as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw usageError(message);
  }
}

function checkArgs(spec: CommandSpec, positionals: string[]): void {
  const declared = spec.args ?? [];
  const missing = declared.filter((a, i) => a.required && positionals[i] === undefined);
  if (missing.length > 0) throw usageError(`Missing argument <${missing[0]!.name}>`);
  if (positionals.length > declared.length) {
    throw usageError(`Unexpected argument "${positionals[declared.length]}"`);
  }
}

/** Runs the command line and returns the exit code. Never throws. */
export async function run(argv: string[], io: RunIO): Promise<number> {
  const json = argv.includes('--json');
  const noColor = argv.includes('--no-color');
  const out = new Output({
    stdout: io.stdout,
    stderr: io.stderr,
    json,
    color: shouldColor({ isTTY: io.stdout.isTTY, env: io.env, noColorFlag: noColor }),
  });
  let spec: CommandSpec | undefined;
  try {
    const { name, rest } = splitCommand(argv);
    spec = name === undefined ? undefined : findCommand(name);
    if (name !== undefined && !spec) {
      throw usageError(`Unknown command "${name}". Commands: ${commands.map((c) => c.name).join(', ')}`);
    }
    const { values, positionals } = parse(spec, rest);
    if (values['version'] && !spec) {
      io.stdout.write(`${readVersion()}\n`);
      return ExitCode.ok;
    }
    if (values['help'] || !spec) {
      io.stdout.write(`${spec ? commandHelp(spec, out.style) : generalHelp(out.style, readVersion())}\n`);
      return values['help'] ? ExitCode.ok : ExitCode.usage;
    }
    checkArgs(spec, positionals);
    const global: GlobalFlags = {
      config: values['config'] as string | undefined,
      api: apiVersionFrom(values['api'] as string | undefined, io.env),
      fake: Boolean(values['fake']),
      fakeFile: values['fake-file'] as string | undefined,
      json,
      noColor,
      debug: Boolean(values['debug']),
    };
    const mod = await spec.load();
    const code = await mod.run({
      command: spec.name,
      args: positionals,
      options: values as Record<string, string | boolean | undefined>,
      global,
      out,
      env: io.env,
      cwd: io.cwd,
    });
    return code ?? ExitCode.ok;
  } catch (error) {
    const e = await classifyError(error);
    const hint =
      error instanceof CliError && e.exitCode === ExitCode.usage && spec
        ? ` (see: edenai-tokens ${spec.name} --help)`
        : '';
    if (json) {
      io.stderr.write(
        `${JSON.stringify({ error: { code: e.code, exitCode: e.exitCode, message: e.message } })}\n`,
      );
    } else {
      io.stderr.write(`edenai-tokens: ${out.style.red('error:')} ${e.message}${hint}\n`);
    }
    if (argv.includes('--debug') && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
      if (error.cause) io.stderr.write(`cause: ${String((error.cause as Error)?.stack ?? error.cause)}\n`);
    }
    return e.exitCode;
  }
}
