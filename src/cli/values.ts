// What the user types, checked: option values (durations, days, money, dates, the API version) and
// the "did you mean" that turns a typo into a hint. Every failure is a usage error (exit 2).
import { usageError } from './errors.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)([mhdw]?)$/;

/** `90d`, `12h`, `30m`, `2w` (or a bare number of days) → milliseconds. */
export function parseDurationMs(flag: string, text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw usageError(`--${flag} expects a duration like 7d, 12h or 30m, got "${text}"`);
  const unit = (m[2] || 'd') as keyof typeof UNIT_MS;
  return Number(m[1]) * UNIT_MS[unit];
}

/** A duration in whole days: `90d`, `2w`, `90`. Hours and minutes are refused up front. */
export function parseDays(flag: string, text: string): number {
  const m = DURATION.exec(text.trim());
  const days =
    m && (m[2] === 'd' || m[2] === 'w' || m[2] === '') ? parseDurationMs(flag, text) / UNIT_MS.d : NaN;
  if (!Number.isInteger(days) || days <= 0) {
    throw usageError(`--${flag} expects a whole number of days like 30d, 2w or 90, got "${text}"`);
  }
  return days;
}

/** A USD amount: `50`, `12.5`, `$500`. The SDK enforces policy limits; this only checks the shape. */
export function parseMoney(flag: string, text: string): number {
  const m = /^\$?(\d+(?:\.\d{1,9})?)$/.exec(text.trim());
  if (m) return Number(m[1]);
  if (/^-\$?\d/.test(text.trim())) throw usageError(`--${flag} must not be negative, got "${text}"`);
  throw usageError(`--${flag} expects an amount in USD like 50 or 12.50, got "${text}"`);
}

export function parsePositiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`--${flag} expects a positive integer, got "${text}"`);
  return n;
}

/** `YYYY-MM-DD`, checked to be a real calendar day. */
export function parseDay(flag: string, text: string): string {
  const d = new Date(`${text}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(text) ||
    Number.isNaN(d.getTime()) ||
    d.toISOString().slice(0, 10) !== text
  ) {
    throw usageError(`--${flag} expects a date as YYYY-MM-DD, got "${text}"`);
  }
  return text;
}

/** Returns a string option's value, or throws a usage error naming the allowed values. */
export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw usageError(
    `--${flag} must be one of ${allowed.join(', ')}; got "${text}"${didYouMean(text, allowed)}`,
  );
}

/** The Eden AI APIs the CLI can manage tokens through. */
export const API_VERSIONS = ['v2', 'v3'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/** Where `EDENAI_API_VERSION` is read from when `--api` is not given. */
export const API_VERSION_ENV = 'EDENAI_API_VERSION';

function isApiVersion(text: string): text is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(text);
}

/**
 * `--api` wins over `EDENAI_API_VERSION`; `undefined` when neither is set (the config file's
 * `api.version`, else v2, decides). A bad value is a usage error: the command line is wrong.
 */
export function apiVersionFrom(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): ApiVersion | undefined {
  if (flag !== undefined) {
    if (isApiVersion(flag)) return flag;
    throw usageError(`--api must be v2 or v3, got "${flag}"`);
  }
  const fromEnv = env[API_VERSION_ENV];
  if (fromEnv === undefined || fromEnv === '') return undefined;
  if (isApiVersion(fromEnv)) return fromEnv;
  throw usageError(`${API_VERSION_ENV} must be v2 or v3, got "${fromEnv}"`);
}

/** Levenshtein distance, with an adjacent swap counting as one edit (`lsit` → `list`). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate a typo most likely meant: within 2 edits (1 for short words), else undefined. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const limit = input.length <= 4 ? 1 : 2;
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(input.toLowerCase(), candidate.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { candidate, d };
  }
  return best?.candidate;
}

/** `` '; did you mean "create"?' `` or nothing. */
export function didYouMean(input: string, candidates: readonly string[], quote = '"'): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : `; did you mean ${quote}${match}${quote}?`;
}
