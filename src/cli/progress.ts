import type { Style } from './style.js';

/** The SDK's progress callback shape (`Progress` in src/core/types.ts). */
export interface ProgressEvent {
  done: number;
  total: number;
  name?: string | undefined;
  ok?: boolean | undefined;
}

export interface ProgressReporter {
  /** Pass as `onProgress` to `rotateExpiring` / `apply`. */
  update(event: ProgressEvent): void;
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
