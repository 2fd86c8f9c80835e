import { type AuditEvent, CallbackAuditSink, LoggerAuditSink } from 'edenai-token-manager';
import { describe, expect, it, vi } from 'vitest';
import { auditEvent, emitAudit } from '../../src/audit/event.js';

const clock = () => new Date('2024-05-13T09:30:00Z');

describe('audit events and in-process sinks', () => {
  it('builds an event with id, time, actor and outcome', () => {
    const e = auditEvent({ action: 'token.created', token: 'prod-web-app', actor: 'ci@runner' }, clock);
    expect(e).toMatchObject({
      time: '2024-05-13T09:30:00.000Z',
      actor: 'ci@runner',
      action: 'token.created',
      outcome: 'success',
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    const failed = auditEvent({ action: 'token.revoked', token: 'x', error: new Error('boom') }, clock);
    expect(failed).toMatchObject({ actor: 'unknown', outcome: 'failure', error: { message: 'boom' } });
  });

  it('LoggerAuditSink logs one line per event with the event as metadata', async () => {
    const logger = { info: vi.fn(), warn: vi.fn() };
    const e = auditEvent({ action: 'token.topped-up', token: 'prod-web-app', actor: 'bob' }, clock);
    await new LoggerAuditSink({ logger }).write([e]);
    expect(logger.info).toHaveBeenCalledWith('audit token.topped-up prod-web-app by bob: success', e);
  });

  it('CallbackAuditSink hands events over; a failing sink is logged, not thrown', async () => {
    const seen: AuditEvent[][] = [];
    const sink = new CallbackAuditSink((events) => seen.push(events), { name: 'siem' });
    const e = auditEvent({ action: 'token.extended', token: 'dev-app' }, clock);
    await emitAudit(sink, [e], console);
    expect(seen).toEqual([[e]]);
    const logger = { error: vi.fn() };
    await emitAudit(new CallbackAuditSink(() => Promise.reject(new Error('down'))), [e], logger);
    expect(logger.error).toHaveBeenCalledOnce();
  });
});
