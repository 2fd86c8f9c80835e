/** ANSI styling that collapses to plain text when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

const colored: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};

const identity = (s: string) => s;
const plain: Style = {
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  cyan: identity,
};

export function createStyle(enabled: boolean): Style {
  return enabled ? colored : plain;
}

/**
 * Colour only on a terminal, never with `NO_COLOR` (any non-empty value, see no-color.org) or
 * `--no-color`; `FORCE_COLOR` (not "0") turns it on without a terminal.
 */
export function shouldColor(input: {
  isTTY: boolean | undefined;
  env: Record<string, string | undefined>;
  noColorFlag: boolean;
}): boolean {
  if (input.noColorFlag) return false;
  if (input.env['NO_COLOR']) return false;
  const force = input.env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  return Boolean(input.isTTY) && input.env['TERM'] !== 'dumb';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point.
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Removes ANSI escapes, e.g. to measure the visible width of a styled string. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}
