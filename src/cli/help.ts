import { commands, globalOptions } from './commands.js';
import { exitCodeHelp } from './exit-codes.js';
import type { CommandSpec, OptionSpec } from './spec.js';
import type { Style } from './style.js';

const BIN = 'edenai-tokens';

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
export function generalHelp(style: Style, version: string): string {
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
    '  --config <path>        environments and policies, secret store, state file (see docs/cli.md)',
    '',
    style.bold('Exit codes:'),
    ...exitCodeHelp.map(([code, text]) => `  ${String(code).padStart(2)}  ${text}`),
    '',
    style.bold('Examples:'),
    `  ${BIN} demo                       the tutorial's story on a built-in fake`,
    `  ${BIN} --fake create prod web-app  try any command without an API key`,
    `  ${BIN} --api v3 demo              the same story on the v3 Management API`,
    `  ${BIN} rotate --help               help for one command`,
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
