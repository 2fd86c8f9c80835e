// The append-only audit file: JSON Lines whose entries are hash-chained, so that an edited, removed
// or reordered entry is detected by `verifyAuditLog`. Node-only.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import { type Clock, systemClock } from '../core/types.js';
import type { AuditEvent, AuditSink } from '../ports/audit.js';
import { FileLock, fsError } from '../stores/file-io.js';

/** The `prev` of the first entry. */
const GENESIS = '0'.repeat(64);
/** How much of the file's end is read first to find the last entry (doubled until one is found). */
const TAIL_BYTES = 64 * 1024;

/** One line of the audit file: the event, its place in the chain, and its hash. */
export type AuditLogEntry = AuditEvent & {
  /** 1, 2, 3… in the order entries were appended. */
  seq: number;
  /** `hash` of the previous entry (64 zeros for the first). */
  prev: string;
  /** SHA-256 (hex) of the entry's JSON without `hash`. */
  hash: string;
};

/** Options of `new FileAuditSink(options)`. */
export interface FileAuditSinkOptions {
  /** The JSON Lines file; created (mode 0600) on the first write. */
  path: string;
  name?: string;
  /** How long a write waits for another process's append. Default 10 s. */
  lockTimeoutMs?: number;
  /** Ages the lock of a crashed writer. Default: the system clock. */
  clock?: Clock;
}

/**
 * Appends audit events to a JSON Lines file, one entry per line, each carrying the hash of the
 * one before. Several processes may append to one file: each append reads the last entry and
 * writes its lines under a lock file (`<path>.lock`), in one `O_APPEND` write. A crash mid-write
 * leaves a torn last line, which the next append seals off and `verifyAuditLog` reports as such.
 *
 * @example
 * const audit = new FileAuditSink({ path: '/var/log/edenai/audit.jsonl' });
 * const registry = new TokenRegistry({ backend, secrets, environments, audit });
 */
export class FileAuditSink implements AuditSink {
  readonly name: string;
  readonly path: string;
  private readonly lockTimeoutMs: number;
  private readonly clock: Clock;

  constructor(options: FileAuditSinkOptions) {
    if (typeof options?.path !== 'string' || options.path.length === 0)
      throw new ConfigurationError('FileAuditSink needs a path: new FileAuditSink({ path: "audit.jsonl" })');
    this.path = resolve(options.path);
    this.name = options.name ?? 'file';
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.clock = options.clock ?? systemClock;
  }

  async write(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw fsError(error, dirname(this.path));
    });
    const lock = await FileLock.acquire(`${this.path}.lock`, {
      staleMs: 30_000,
      timeoutMs: this.lockTimeoutMs,
      clock: this.clock,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    try {
      const tail = await readTail(this.path);
      let { seq, hash: prev } = tail.last ?? { seq: 0, hash: GENESIS };
      // A torn last line (a writer crashed mid-line) is ended, so that our first entry starts a line.
      let text = tail.size > 0 && !tail.endsWithNewline ? '\n' : '';
      for (const event of events) {
        seq += 1;
        const entry = chain(event, seq, prev);
        prev = entry.hash;
        text += `${JSON.stringify(entry)}\n`;
      }
      const handle = await open(this.path, 'a', 0o600);
      try {
        await handle.write(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw fsError(error, this.path);
    } finally {
      await lock.release();
    }
  }
}

function chain(event: AuditEvent, seq: number, prev: string): AuditLogEntry {
  const body = { seq, prev, ...event };
  return { ...body, hash: sha256(JSON.stringify(body)) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The last entry of the file (read from its end), its size, and whether it ends a line. */
async function readTail(
  path: string,
): Promise<{ last: { seq: number; hash: string } | undefined; size: number; endsWithNewline: boolean }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { last: undefined, size: 0, endsWithNewline: true };
    throw error;
  }
  const handle = await open(path, 'r');
  try {
    let endsWithNewline = true;
    for (let window = TAIL_BYTES; ; window *= 2) {
      const length = Math.min(window, size);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const text = buffer.toString('utf8');
      if (window === TAIL_BYTES) endsWithNewline = size === 0 || text.endsWith('\n');
      // The first line of a partial window may be cut: skip it unless the window is the whole file.
      const lines = text.split('\n').slice(length < size ? 1 : 0);
      for (let i = lines.length - 1; i >= 0; i--) {
        const entry = parseEntry(lines[i]!);
        if (entry) return { last: { seq: entry.seq, hash: entry.hash }, size, endsWithNewline };
      }
      if (length === size) return { last: undefined, size, endsWithNewline };
    }
  } finally {
    await handle.close();
  }
}

function parseEntry(line: string): AuditLogEntry | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value = JSON.parse(line) as Partial<AuditLogEntry>;
    return typeof value === 'object' &&
      value !== null &&
      Number.isInteger(value.seq) &&
      typeof value.prev === 'string' &&
      typeof value.hash === 'string'
      ? (value as AuditLogEntry)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What is wrong with one place of an audit file. */
export interface AuditLogProblem {
  /**
   * `edited`: an entry's content no longer matches its hash, or its successor's link.
   * `removed`: entries are missing. `reordered`: an entry is out of place (or repeated).
   * `torn`: a line that is no entry (a crash mid-write): reported, not a failure by itself.
   */
  kind: 'edited' | 'removed' | 'reordered' | 'torn';
  /** 1-based line of the file. */
  line?: number;
  /** The entry's `seq`. */
  seq?: number;
  message: string;
}

/** The result of `verifyAuditLog(path)`. */
export interface AuditLogVerification {
  /** True when no entry was edited, removed or reordered (torn lines alone keep it true). */
  ok: boolean;
  /** Entries read. */
  entries: number;
  /**
   * The last entry's seq and hash. Removing entries from the end cannot be detected from the file
   * alone: keep the head somewhere else (a ticket, another system's log) and compare.
   */
  head: { seq: number; hash: string } | null;
  problems: AuditLogProblem[];
}

/**
 * The entries of an audit file in file order (torn lines skipped). Does not check the chain: see
 * `verifyAuditLog`.
 *
 * @example
 * const revoked = (await readAuditLog('audit.jsonl')).filter((e) => e.action === 'token.revoked');
 */
export async function readAuditLog(path: string): Promise<AuditLogEntry[]> {
  return (await readLines(path)).flatMap((l) => (l.entry ? [l.entry] : []));
}

async function readLines(path: string): Promise<{ line: number; text: string; entry?: AuditLogEntry }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fsError(error, path);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((t, i) => {
    const entry = parseEntry(t);
    return entry ? { line: i + 1, text: t, entry } : { line: i + 1, text: t };
  });
}

const describe = (e: AuditLogEntry) => `entry #${e.seq} (${e.action} ${e.token} at ${e.time})`;

/**
 * Checks an audit file's chain: every entry's hash matches its content, every link matches the
 * entry before, and the entries run 1, 2, 3… in file order. Says which entry was edited, which
 * are missing, and which are out of place. Reads the file; changes nothing.
 *
 * @example
 * const { ok, problems } = await verifyAuditLog('/var/log/edenai/audit.jsonl');
 * for (const p of problems) console.error(p.message);
 */
export async function verifyAuditLog(path: string): Promise<AuditLogVerification> {
  const lines = await readLines(path);
  const problems: AuditLogProblem[] = [];
  const entries: { line: number; entry: AuditLogEntry }[] = [];
  for (const l of lines) {
    if (!l.entry) {
      if (l.text.trim() !== '')
        problems.push({
          kind: 'torn',
          line: l.line,
          message: `line ${l.line} is not a complete entry (a write interrupted by a crash?)`,
        });
      continue;
    }
    entries.push({ line: l.line, entry: l.entry });
    const { hash, ...body } = l.entry;
    if (sha256(JSON.stringify(body)) !== hash)
      problems.push({
        kind: 'edited',
        line: l.line,
        seq: l.entry.seq,
        message: `line ${l.line}: ${describe(l.entry)} was edited (its hash does not match its content)`,
      });
  }
  // Order: each entry must come after every entry before it in the file.
  let highest = 0;
  const bySeq = new Map<number, { line: number; entry: AuditLogEntry }>();
  for (const e of entries) {
    if (bySeq.has(e.entry.seq)) {
      problems.push({
        kind: 'reordered',
        line: e.line,
        seq: e.entry.seq,
        message: `line ${e.line}: ${describe(e.entry)} appears twice (also on line ${bySeq.get(e.entry.seq)!.line})`,
      });
      continue;
    }
    bySeq.set(e.entry.seq, e);
    if (e.entry.seq < highest)
      problems.push({
        kind: 'reordered',
        line: e.line,
        seq: e.entry.seq,
        message: `line ${e.line}: ${describe(e.entry)} is out of order (it follows entry #${highest})`,
      });
    highest = Math.max(highest, e.entry.seq);
  }
  // Gaps and links, in seq order.
  for (let seq = 1; seq <= highest; seq++) {
    const here = bySeq.get(seq);
    if (!here) {
      let end = seq;
      while (!bySeq.has(end + 1) && end < highest) end++;
      const after = bySeq.get(seq - 1);
      const range = end === seq ? `entry #${seq} is` : `entries #${seq}–#${end} are`;
      problems.push({
        kind: 'removed',
        seq,
        ...(after ? { line: after.line } : {}),
        message: `${range} missing${after ? ` after line ${after.line}` : ' at the start of the file'}`,
      });
      seq = end;
      continue;
    }
    const before = bySeq.get(seq - 1);
    const expected = seq === 1 ? GENESIS : before?.entry.hash;
    if (expected !== undefined && here.entry.prev !== expected) {
      const culprit = before ?? here;
      problems.push({
        kind: 'edited',
        line: culprit.line,
        seq: culprit.entry.seq,
        message: before
          ? `line ${before.line}: ${describe(before.entry)} was changed (entry #${seq} links to a different entry)`
          : `line ${here.line}: ${describe(here.entry)} does not start the chain`,
      });
    }
  }
  const last = bySeq.get(highest);
  return {
    ok: !problems.some((p) => p.kind !== 'torn'),
    entries: entries.length,
    head: last ? { seq: last.entry.seq, hash: last.entry.hash } : null,
    problems,
  };
}
