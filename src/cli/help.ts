// What the command says about itself: `--help`, `<command> --help`, `help [command]`, `--version`,
// and where its documentation is on this machine.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CliError, exitCodeHelp } from './errors.js';
import type { Style } from './output.js';
import { type CommandContext, type CommandSpec, globalOptions, type OptionSpec } from './spec.js';

const BIN = 'edenai-tokens';

/**
 * The package's root folder, found by its package.json: one level up from the bundle
 * (`dist/cli.js`), two from the source (`src/cli/help.ts`). Read without loading the SDK.
 */
function packageRoot(): { url: URL; version: string } | undefined {
  for (const relative of ['../', '../../']) {
    const url = new URL(relative, import.meta.url);
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'edenai-token-manager' && pkg.version) return { url, version: pkg.version };
    } catch {
      // Not at this level: try the next.
    }
  }
  return undefined;
}

export function readVersion(): string {
  return packageRoot()?.version ?? '0.0.0-unknown';
}

/** A page of the docs shipped in the package, as a local path (a URL when it is not there). */
export function docsPath(page: string): string {
  const root = packageRoot();
  const file = root && fileURLToPath(new URL(`docs/${page}`, root.url));
  return file && existsSync(file)
    ? file
    : `https://www.npmjs.com/package/edenai-token-manager (docs/${page})`;
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` <${o.value}>` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

function usageLine(spec: CommandSpec): string {
  const args = (spec.args ?? []).map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  const opts = spec.options ? ['[options]'] : [];
  return [BIN, spec.name, ...args, ...opts].join(' ');
}

/** `edenai-tokens --help`. */
export function generalHelp(style: Style, version: string, commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `${style.bold(BIN)} ${version} — manage Eden AI API tokens across environments`,
    '',
    `${style.bold('Usage:')} ${BIN} <command> [arguments] [options]`,
    '',
    style.bold('Commands:'),
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    style.bold('Options (every command):'),
    ...optionLines(globalOptions),
    '',
    style.bold('Settings:'),
    '  EDENAI_API_KEY         your Eden AI API key, for --api v2 (never pass keys as arguments)',
    '  EDENAI_MANAGEMENT_KEY  a management key (mgmt-eden-…), for --api v3',
    "  EDENAI_API_VERSION     v2 or v3 when --api is not given (else the config's api.version, else v2)",
    '  --config <path>        environments and policies, secret store, state file (see the docs below)',
    '',
    style.bold('Exit codes:'),
    ...exitCodeHelp.map(([code, text]) => `  ${String(code).padStart(2)}  ${text}`),
    '',
    style.bold('Examples:'),
    `  ${BIN} demo                       the tutorial's story on a built-in fake`,
    `  ${BIN} --fake create prod web-app  try any command without an API key`,
    `  ${BIN} --api v3 demo              the same story on the v3 Management API`,
    `  ${BIN} help rotate                help for one command (or: rotate --help)`,
    `  ${BIN} doctor                     what your keys can do at Eden AI, and what to change`,
    '',
    style.bold('Docs:'),
    `  ${docsPath('cli.md')}`,
    `  ${docsPath('troubleshooting.md')}`,
  ].join('\n');
}

/** `edenai-tokens <command> --help`. */
export function commandHelp(spec: CommandSpec, style: Style): string {
  const lines = [`${style.bold('Usage:')} ${usageLine(spec)}`, '', spec.summary];
  if (spec.details) lines.push('', ...spec.details);
  if (spec.args?.length) {
    const width = Math.max(...spec.args.map((a) => a.name.length));
    lines.push(
      '',
      style.bold('Arguments:'),
      ...spec.args.map((a) => `  ${a.name.padEnd(width)}  ${a.description}`),
    );
  }
  if (spec.options) lines.push('', style.bold('Options:'), ...optionLines(spec.options));
  lines.push(
    '',
    style.bold('Global options:'),
    ...optionLines(globalOptions),
    '',
    style.bold('Examples:'),
    ...spec.examples.map((e) => `  ${e}`),
    '',
    `Exit codes: see \`${BIN} --help\`.`,
  );
  return lines.join('\n');
}

/** `edenai-tokens help [command]`: the same text as `--help`, on stdout, exit 0. */
export async function help(
  ctx: CommandContext,
  commands: readonly CommandSpec[],
  findCommand: (name: string) => CommandSpec | undefined,
  unknownCommand: (name: string) => CliError,
): Promise<number> {
  const name = ctx.args[0];
  if (name === undefined) {
    ctx.out.raw(`${generalHelp(ctx.out.style, readVersion(), commands)}\n`);
    return 0;
  }
  const spec = findCommand(name);
  if (!spec) {
    throw unknownCommand(name);
  }
  ctx.out.raw(`${commandHelp(spec, ctx.out.style)}\n`);
  return 0;
}
