import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/stores/env.js';

describe('parseDotenv', () => {
  it('reads the simple KEY=VALUE format', () => {
    const { values, ignored } = parseDotenv(
      [
        '# Comments start with #',
        'OPENAI_PAT=sk-proj-abc123',
        '',
        '# Values with spaces need quotes',
        'CUSTOM_PROMPT="Be helpful and kind"',
        "SINGLE='literal \\n $HOME'",
        'ESCAPED="line1\\nline2 \\"quoted\\" back\\\\slash"',
        'INLINE=value # trailing comment',
        'HASH=abc#def',
        'EMPTY=',
        '  INDENTED=yes',
        'export EXPORTED=1',
        'QUOTED_COMMENT="a b" # note',
        'DUP=first',
        'DUP=second',
        'WINDOWS=crlf\r',
      ].join('\n'),
    );
    expect(Object.fromEntries(values)).toEqual({
      OPENAI_PAT: 'sk-proj-abc123',
      CUSTOM_PROMPT: 'Be helpful and kind',
      SINGLE: 'literal \\n $HOME',
      ESCAPED: 'line1\nline2 "quoted" back\\slash',
      INLINE: 'value',
      HASH: 'abc#def',
      EMPTY: '',
      INDENTED: 'yes',
      EXPORTED: '1',
      QUOTED_COMMENT: 'a b',
      DUP: 'second',
      WINDOWS: 'crlf',
    });
    expect(ignored).toEqual([]);
  });

  it('ignores malformed lines and says why, without their values', () => {
    const { values, ignored } = parseDotenv(
      [
        'NOT_KEY = value  # This line is ignored (spaces around =)',
        'LEFT =value',
        'RIGHT= value',
        'UNQUOTED=two words',
        'OPEN="never closed',
        'TAIL="done" extra',
        '9STARTS_WITH_DIGIT=x',
        'just some text',
        'OK=fine',
      ].join('\n'),
    );
    expect(Object.fromEntries(values)).toEqual({ OK: 'fine' });
    expect(ignored).toEqual([
      { line: 1, name: 'NOT_KEY', reason: 'spaces around "="' },
      { line: 2, name: 'LEFT', reason: 'spaces around "="' },
      { line: 3, name: 'RIGHT', reason: 'spaces around "="' },
      { line: 4, name: 'UNQUOTED', reason: 'unquoted value contains spaces (quote it)' },
      { line: 5, name: 'OPEN', reason: 'unterminated quote' },
      { line: 6, name: 'TAIL', reason: 'text after the closing quote' },
      { line: 7, reason: 'not a KEY=VALUE line' },
      { line: 8, name: 'just', reason: 'not a KEY=VALUE line' },
    ]);
    for (const value of ['two words', 'never closed', 'extra', 'done']) {
      expect(JSON.stringify(ignored)).not.toContain(value);
    }
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(parseDotenv('\uFEFFA=1').values.get('A')).toBe('1');
  });
});
