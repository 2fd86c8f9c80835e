// The audit commands: `audit verify <file>` checks the hash chain of an audit file and says which
// entry was edited, removed or reordered; `audit show` lists its entries. Also where the CLI's own
// audit trail goes, and who the actor is.
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { formatDateTime } from '../core/format.js';
import { formatDay, utcDay } from '../core/time.js';
import type { AuditSink } from '../index.js';
import type { AuditLogEntry } from '../node.js';
import { FileAuditSink, readAuditLog, verifyAuditLog } from '../node.js';
import { ExitCode, usageError } from './errors.js';
import { table } from './format.js';
import type { CommandContext } from './spec.js';
import { parseDay, parseDays } from './values.js';

/** The CLI's audit file: `EDENAI_AUDIT_FILE`, else `.edenai-audit.jsonl` in the working directory. */
export function auditFileOf(ctx: CommandContext): string {
  return resolve(ctx.cwd, ctx.env['EDENAI_AUDIT_FILE'] ?? '.edenai-audit.jsonl');
}

/** The CLI's audit sink, on the audit file; `--reason` fills the events that have none. */
export function openAuditSink(ctx: CommandContext): AuditSink {
  const file = new FileAuditSink({ path: auditFileOf(ctx) });
  const reason = ctx.global.reason;
  if (reason === undefined) return file;
  return {
    name: file.name,
    write: (events) => file.write(events.map((e) => (e.reason === undefined ? { ...e, reason } : e))),
  };
}

/** `--actor`, else `user@host`. */
export function actorOf(ctx: CommandContext): string {
  if (ctx.global.actor) return ctx.global.actor;
  let user = ctx.env['USER'] ?? ctx.env['LOGNAME'] ?? ctx.env['USERNAME'];
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return `${user}@${hostname()}`;
}

const ACTIONS = ['verify', 'show'] as const;

/** `edenai-tokens audit verify <file>` / `edenai-tokens audit show [--token …] [--since …] [--file …]`. */
export async function audit(ctx: CommandContext): Promise<number> {
  const [action, file] = ctx.args as [string, string | undefined];
  if (action === 'verify') return verify(ctx, file);
  if (action === 'show') {
    if (file !== undefined)
      throw usageError('audit show reads --file (or EDENAI_AUDIT_FILE), not an argument');
    return show(ctx);
  }
  throw usageError(`audit expects one of ${ACTIONS.join(', ')}; got "${action}"`);
}

async function verify(ctx: CommandContext, file: string | undefined): Promise<number> {
  const path = file ? resolve(ctx.cwd, file) : optionFile(ctx);
  const result = await verifyAuditLog(path);
  const { style } = ctx.out;
  ctx.out.data({ file: path, ...result });
  for (const p of result.problems) {
    ctx.out.line(`${p.kind === 'torn' ? style.yellow('!') : style.red('✗')} ${p.message}`);
  }
  if (result.ok) {
    const head = result.head ? `; head #${result.head.seq} ${result.head.hash.slice(0, 16)}…` : '';
    ctx.out.line(`${style.green('✓')} ${path}: ${result.entries} entries, chain intact${head}`);
    return ExitCode.ok;
  }
  ctx.out.line(`${style.red('✗')} ${path}: the chain is broken (${result.problems.length} problem(s))`);
  return ExitCode.unhealthy;
}

function optionFile(ctx: CommandContext): string {
  const file = ctx.options['file'];
  return typeof file === 'string' ? resolve(ctx.cwd, file) : auditFileOf(ctx);
}

async function show(ctx: CommandContext): Promise<number> {
  const token = ctx.options['token'] as string | undefined;
  const since = ctx.options['since'] as string | undefined;
  const from = since === undefined ? undefined : sinceDay(since);
  const entries = (await readAuditLog(optionFile(ctx))).filter(
    (e) => (token === undefined || e.token === token) && (from === undefined || e.time.slice(0, 10) >= from),
  );
  ctx.out.data({ entries });
  if (entries.length === 0) {
    ctx.out.line('No audit entries match.');
    return ExitCode.ok;
  }
  const { style } = ctx.out;
  const rows = [
    ['time', 'actor', 'action', 'token', 'outcome', 'details'].map((h) => style.dim(h)),
    ...entries.map((e) => [
      formatDateTime(new Date(e.time)),
      e.actor,
      e.action,
      e.tokenName && e.tokenName !== e.token ? `${e.token} (${e.tokenName})` : e.token,
      e.outcome === 'success' ? e.outcome : style.red(e.outcome),
      details(e),
    ]),
  ];
  ctx.out.block(table(rows).join('\n'));
  return ExitCode.ok;
}

/** `--since 2024-05-01` or `--since 7d` (that many days before today, UTC). */
function sinceDay(text: string): string {
  if (/^\d{4}-/.test(text)) return parseDay('since', text);
  const days = parseDays('since', text);
  return formatDay(utcDay(new Date()) - days);
}

/** The changes, the reason and the error of one entry, on one line. */
function details(e: AuditLogEntry): string {
  const parts = Object.entries(e.changes ?? {}).map(
    ([field, c]) => `${field} ${String(c.before)} → ${String(c.after)}`,
  );
  if (e.reason) parts.push(`reason: ${e.reason}`);
  if (e.error) parts.push(`error: ${e.error.message}`);
  return parts.join('; ');
}
