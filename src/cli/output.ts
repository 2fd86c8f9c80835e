import { createProgress, type ProgressReporter } from './progress.js';
import { createStyle, type Style } from './style.js';

/** The bits of a stream the CLI writes to (process.stdout, or a buffer in tests and the demo). */
export interface Sink {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
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

  /** Raw write to stderr (progress bars). */
  rawErr(text: string): void {
    this.write(this.stderr, text);
  }

  /** A progress reporter for bulk work: a bar on a terminal, one plain line per item otherwise. */
  progress(label: string): ProgressReporter {
    return createProgress({
      label,
      interactive: this.interactive,
      width: this.stderr.columns ?? 80,
      style: this.style,
      write: (s) => this.rawErr(s),
    });
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
