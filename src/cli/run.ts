// From argv to an exit code: find the command, parse its options, run it, and turn any failure
// into one line on stderr (JSON with --json) and a documented exit code.
import { parseArgs } from 'node:util';
import {
  type CommandSpec,
  commands,
  findCommand,
  type GlobalFlags,
  globalOptions,
  type OptionSpec,
  unknownCommand,
} from './commands.js';
import { CliError, classifyError, ExitCode, usageError } from './errors.js';
import { commandHelp, generalHelp, readVersion } from './help.js';
import { Output, type Sink, type Source, shouldColor } from './output.js';
import { apiVersionFrom, closest } from './values.js';

export interface RunIO {
  stdout: Sink;
  stderr: Sink;
  /** Answers to questions (`delete` on a terminal); none in scripts. */
  stdin?: Source;
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

/**
 * `--budget -5` → `--budget=-5`: a string option's value that looks like a negative number is
 * that value, not an unknown option, so the value's own check can say what is wrong with it.
 */
function attachNegativeValues(args: string[], specs: Record<string, OptionSpec>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg.startsWith('--') && specs[arg.slice(2)]?.type === 'string' && next && /^-\$?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function parse(spec: CommandSpec | undefined, rest: string[]) {
  const specs = { ...globalOptions, ...spec?.options };
  try {
    return parseArgs({
      args: attachNegativeValues(rest, specs),
      options: Object.fromEntries(
        Object.entries(specs).map(([k, o]) => [
          k,
          o.short ? { type: o.type, short: o.short } : { type: o.type },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs' messages are clear but long; keep the first sentence, and suggest a near option.
    const message = (error as Error).message.split('. ')[0]!.replace(/\.$/, '');
    const unknown = /^Unknown option '--?([^']+)'/.exec(message)?.[1];
    const near = unknown === undefined ? undefined : closest(unknown, Object.keys(specs));
    throw usageError(near ? `${message}; did you mean --${near}?` : message);
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
      throw unknownCommand(name);
    }
    const { values, positionals } = parse(spec, rest);
    if (values['version'] && !spec) {
      io.stdout.write(`${readVersion()}\n`);
      return ExitCode.ok;
    }
    if (values['help']) {
      io.stdout.write(
        `${spec ? commandHelp(spec, out.style) : generalHelp(out.style, readVersion(), commands)}\n`,
      );
      return ExitCode.ok;
    }
    if (!spec) {
      // A script asked for JSON: a help page on stdout would be read as the answer.
      if (json) throw usageError(`Missing command: give one of ${commands.map((c) => c.name).join(', ')}`);
      io.stdout.write(`${generalHelp(out.style, readVersion(), commands)}\n`);
      return ExitCode.usage;
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
      actor: values['actor'] as string | undefined,
      reason: values['reason'] as string | undefined,
    };
    const command = await spec.load();
    const code = await command({
      command: spec.name,
      args: positionals,
      options: values as Record<string, string | boolean | undefined>,
      global,
      out,
      stdin: io.stdin ?? { isTTY: false, async *[Symbol.asyncIterator]() {} },
      env: io.env,
      cwd: io.cwd,
    });
    return code ?? ExitCode.ok;
  } catch (error) {
    const e = await classifyError(error);
    const hint =
      error instanceof CliError && e.exitCode === ExitCode.usage && spec && spec.name !== 'help'
        ? ` (see: edenai-tokens ${spec.name} --help)`
        : '';
    if (json) {
      io.stderr.write(
        `${JSON.stringify({ error: { code: e.code, exitCode: e.exitCode, message: e.message } })}\n`,
      );
    } else {
      io.stderr.write(`edenai-tokens: ${out.style.red('error:')} ${e.message}${hint}\n`);
    }
    if (argv.includes('--debug')) io.stderr.write(debugTrace(error));
    return e.exitCode;
  }
}

/** The stack, then every cause's, down the chain: the first line rarely says why a connection failed. */
function debugTrace(error: unknown): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  for (let e = error, depth = 0; e !== undefined && e !== null && !seen.has(e) && depth < 10; depth++) {
    seen.add(e);
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    lines.push(depth === 0 ? text : `cause: ${text}`);
    e = e instanceof Error ? e.cause : undefined;
  }
  return `${lines.join('\n')}\n`;
}
