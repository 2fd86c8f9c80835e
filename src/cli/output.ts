// The terminal side of the command: where text goes (stdout for results, stderr for notes,
// progress and errors), whether it is coloured, the progress bar, and the yes/no question.
import type { Progress } from '../index-node.js';

/** The bits of a stream the CLI writes to (process.stdout, or a buffer in tests and the demo). */
export interface Sink {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** The bits of stdin the CLI reads: a terminal answering a question. */
export interface Source extends AsyncIterable<string | Buffer> {
  isTTY?: boolean | undefined;
}

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
const identity = (s: string) => s;

export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    return {
      bold: identity,
      dim: identity,
      red: identity,
      green: identity,
      yellow: identity,
      cyan: identity,
    };
  }
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
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

export interface ProgressReporter {
  /** Pass as `onProgress` to `rotateExpiring` / `apply`. */
  update(event: Progress): void;
  /** Ends the bar (a newline on a terminal). Safe to call twice. */
  finish(): void;
}

const BAR = 24;

/** A bar redrawn in place on a terminal; one line per finished item otherwise (logs, CI, cron). */
export function createProgress(options: {
  label: string;
  interactive: boolean;
  width: number;
  style: Style;
  write: (s: string) => void;
}): ProgressReporter {
  const { label, interactive, style, write } = options;
  let drawn = false;
  let finished = false;
  return {
    update(e) {
      if (finished) return;
      const mark = e.ok === false ? style.red('✗') : style.green('✓');
      if (!interactive) {
        if (e.name) write(`  ${mark} ${e.name} (${e.done}/${e.total})\n`);
        return;
      }
      const filled = e.total === 0 ? BAR : Math.round((e.done / e.total) * BAR);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
      const head = `${label} ${bar} ${e.done}/${e.total}`;
      // Cut the item name, not the bar, when the terminal is narrow: a wrapped line breaks `\r`.
      const room = Math.max(0, options.width - 2 - head.length);
      const name = e.name && room > 1 ? ` ${e.name.slice(0, room - 1)}` : '';
      write(`\r\x1b[2K${label} ${style.cyan(bar)} ${e.done}/${e.total}${name}`);
      drawn = true;
    },
    finish() {
      if (finished) return;
      finished = true;
      if (interactive && drawn) write('\n');
    },
  };
}

export interface OutputOptions {
  stdout: Sink;
  stderr: Sink;
  color: boolean;
  json: boolean;
}

/**
 * Everything a command prints goes through here: human text and JSON on stdout, notes, progress
 * and errors on stderr. It also keeps a transcript, which the demo scans for leaked token values.
 */
export class Output {
  readonly style: Style;
  readonly json: boolean;
  readonly color: boolean;
  /** stderr is a terminal: draw a live progress bar instead of plain lines. */
  readonly interactive: boolean;
  private readonly transcript: string[] = [];
  private readonly stdout: Sink;
  private readonly stderr: Sink;

  constructor(options: OutputOptions) {
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.json = options.json;
    this.color = options.color;
    this.style = createStyle(options.color);
    this.interactive = Boolean(options.stderr.isTTY);
  }

  /** A line of human output on stdout (suppressed in `--json` mode, where `data` speaks). */
  line(text = ''): void {
    if (this.json) return;
    this.write(this.stdout, `${text}\n`);
  }

  /** Several lines at once. */
  block(text: string): void {
    if (this.json) return;
    this.write(this.stdout, text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The machine-readable result in `--json` mode (ignored otherwise). */
  data(value: unknown): void {
    if (!this.json) return;
    this.write(this.stdout, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Text for stdout in every mode (a report in the format the user asked for). */
  raw(text: string): void {
    this.write(this.stdout, text);
  }

  /** A side note on stderr (never mixed into stdout, so pipes stay clean). */
  note(text: string): void {
    this.write(this.stderr, `${text}\n`);
  }

  /** A progress reporter for bulk work: a bar on a terminal, one plain line per item otherwise. */
  progress(label: string): ProgressReporter {
    return createProgress({
      label,
      interactive: this.interactive,
      width: this.stderr.columns ?? 80,
      style: this.style,
      write: (s) => this.write(this.stderr, s),
    });
  }

  /**
   * Asks a yes/no question on stderr and reads the answer from `stdin`; only "y" or "yes" is a yes
   * (an empty line or the end of input is a no). Callers ask only when stdin is a terminal.
   */
  async confirm(question: string, stdin: Source): Promise<boolean> {
    this.write(this.stderr, `${question} [y/N] `);
    let answer = '';
    for await (const chunk of stdin) {
      answer += String(chunk);
      if (answer.includes('\n')) break;
    }
    return /^\s*y(es)?\s*$/i.test(answer.split('\n')[0] ?? '');
  }

  /** Everything written so far, both streams. */
  text(): string {
    return this.transcript.join('');
  }

  private write(sink: Sink, text: string): void {
    this.transcript.push(text);
    sink.write(text);
  }
}
