import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditEvent } from 'edenai-token-manager';
import { FileAuditSink, readAuditLog, verifyAuditLog } from 'edenai-token-manager/node';
import { describe, expect, it } from 'vitest';
import { runWorkers } from '../fixtures/spawn-workers.js';

const event = (i: number): AuditEvent => ({
  id: `e${i}`,
  time: new Date(Date.UTC(2024, 4, 13, 9, i)).toISOString(),
  actor: 'alice@host',
  action: 'token.budget-set',
  token: 'prod-web-app',
  tokenName: 'prod-web-app--g2',
  generation: 2,
  environment: 'prod',
  changes: { balance: { before: i, after: i + 1 } },
  reason: 'refill',
  outcome: 'success',
});

async function logOf(n: number): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
  const sink = new FileAuditSink({ path });
  await sink.write([event(1), event(2)]);
  for (let i = 3; i <= n; i++) await sink.write([event(i)]);
  return path;
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const rewrite = (path: string, ls: string[]) => writeFileSync(path, `${ls.join('\n')}\n`);

describe('FileAuditSink and verifyAuditLog', () => {
  it('appends hash-chained JSON lines that verify', async () => {
    const path = await logOf(5);
    const entries = await readAuditLog(path);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[1]!.prev).toBe(entries[0]!.hash);
    expect(entries[4]).toMatchObject({
      action: 'token.budget-set',
      changes: { balance: { before: 5, after: 6 } },
    });
    const result = await verifyAuditLog(path);
    expect(result).toMatchObject({ ok: true, entries: 5, problems: [] });
    expect(result.head).toEqual({ seq: 5, hash: entries[4]!.hash });
  });

  it('detects an edited entry and says which', async () => {
    const path = await logOf(5);
    const ls = lines(path);
    ls[2] = ls[2]!.replace('"after":4', '"after":400');
    rewrite(path, ls);
    const result = await verifyAuditLog(path);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'edited', line: 3, seq: 3 })]);
  });

  it('detects an edit whose hash was recomputed, by the next entry’s link', async () => {
    const path = await logOf(4);
    const ls = lines(path);
    const { hash: _, ...body } = JSON.parse(ls[1]!);
    body.reason = 'nothing to see';
    const { createHash } = await import('node:crypto');
    const forged = { ...body, hash: createHash('sha256').update(JSON.stringify(body)).digest('hex') };
    ls[1] = JSON.stringify(forged);
    rewrite(path, ls);
    const result = await verifyAuditLog(path);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'edited', line: 2, seq: 2 })]);
  });

  it('detects a removed entry and says which', async () => {
    const path = await logOf(5);
    const ls = lines(path);
    ls.splice(2, 1);
    rewrite(path, ls);
    const result = await verifyAuditLog(path);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'removed', seq: 3, line: 2 })]);
    expect(result.problems[0]!.message).toMatch(/entry #3 is missing after line 2/);
  });

  it('detects reordered entries and says which', async () => {
    const path = await logOf(5);
    const ls = lines(path);
    [ls[1], ls[2]] = [ls[2]!, ls[1]!];
    rewrite(path, ls);
    const result = await verifyAuditLog(path);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'reordered', line: 3, seq: 2 })]);
  });

  it('reports a torn last line without failing, and the next append seals it off', async () => {
    const path = await logOf(3);
    appendFileSync(path, '{"seq":4,"prev":"ab'); // a crash mid-write
    let result = await verifyAuditLog(path);
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'torn', line: 4 })]);
    await new FileAuditSink({ path }).write([event(4)]);
    result = await verifyAuditLog(path);
    expect(result).toMatchObject({ ok: true, entries: 4 });
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'torn', line: 4 })]);
    expect((await readAuditLog(path)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps one chain when two processes append at once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-')), 'audit.jsonl');
    const worker = fileURLToPath(new URL('./fixtures/append-worker.ts', import.meta.url));
    await runWorkers(worker, 2, [path, '15'], {});
    const result = await verifyAuditLog(path);
    expect(result).toMatchObject({ ok: true, entries: 30, problems: [] });
  }, 60_000);
});
