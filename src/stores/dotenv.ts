/** A `.env` line that was skipped, with why. Never carries the value. */
export interface IgnoredLine {
  line: number;
  name?: string;
  reason: string;
}

export interface ParsedDotenv {
  values: Map<string, string>;
  ignored: IgnoredLine[];
}

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)(\s*)=(\s*)(.*)$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * The simple `.env` format: `KEY=VALUE` per line; `#` starts a comment line (or an inline comment
 * after whitespace); blank lines are skipped; values with spaces need "double" (with \n \t \" \\
 * escapes) or 'single' (literal) quotes; a line with spaces around `=` is ignored. The last
 * assignment of a name wins. Ignored lines are reported so a missing-variable error can say why.
 */
export function parseDotenv(text: string): ParsedDotenv {
  const values = new Map<string, string>();
  const ignored: IgnoredLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parseLine(line);
    if ('value' in parsed) values.set(parsed.name, parsed.value);
    else ignored.push({ line: i + 1, ...(parsed.name && { name: parsed.name }), reason: parsed.error });
  }
  return { values, ignored };
}

function parseLine(
  line: string,
): { name: string; value: string } | { name?: string | undefined; error: string } {
  const m = LINE.exec(line);
  if (!m) return { name: /^[A-Za-z_][A-Za-z0-9_]*/.exec(line)?.[0], error: 'not a KEY=VALUE line' };
  const [, name, before, after, rest = ''] = m as unknown as [string, string, string, string, string];
  if (before || after) return { name, error: 'spaces around "="' };
  const value = parseValue(rest);
  return typeof value === 'string' ? { name, value } : { name, error: value.error };
}

function parseValue(rest: string): string | { error: string } {
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    let value = '';
    let i = 1;
    for (; i < rest.length && rest[i] !== quote; i++) {
      const ch = rest[i]!;
      if (quote === '"' && ch === '\\' && i + 1 < rest.length) {
        const next = rest[++i]!;
        value += ESCAPES[next] ?? `\\${next}`;
      } else value += ch;
    }
    if (i >= rest.length) return { error: 'unterminated quote' };
    const tail = rest.slice(i + 1).trim();
    return tail === '' || tail.startsWith('#') ? value : { error: 'text after the closing quote' };
  }
  const value = rest.replace(/\s+#.*$/, '');
  return /\s/.test(value) ? { error: 'unquoted value contains spaces (quote it)' } : value;
}
