// The rotation's audit trail, from the manager's own events: started, promoted (the new value is
// current), finalized (the old generation revoked) and rolled back. Writes keep their order.
import { auditEvent, emitAudit } from '../audit/event.js';
import type { Clock, Logger } from '../core/types.js';
import type { AuditEvent, AuditSink } from '../ports/audit.js';
import type { RotationEmitter } from './run.js';

export interface RotationAuditOptions {
  sink: AuditSink;
  actor: string | undefined;
  clock: Clock;
  logger: Logger;
  environmentOf(name: string): string | undefined;
  generationOf(tokenName: string): number | undefined;
}

/** Subscribes the audit sink to `emitter`; returns a function resolving once every event is written. */
export function auditRotations(emitter: RotationEmitter, o: RotationAuditOptions): () => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  const write = (input: Omit<Parameters<typeof auditEvent>[0], 'actor'>) => {
    const event: AuditEvent = auditEvent({ ...input, actor: o.actor }, o.clock);
    queue = queue.then(() => emitAudit(o.sink, [event], o.logger));
  };
  const about = (name: string, tokenName: string) => ({
    token: name,
    tokenName,
    generation: o.generationOf(tokenName),
    environment: o.environmentOf(name),
  });
  emitter.on('rotation.started', (e) => {
    if (e.resumed) return;
    write({ action: 'rotation.started', ...about(e.name, e.oldTokenName), rotationId: e.rotationId });
  });
  emitter.on('rotation.step', (e) => {
    // `rotate` is the native rotation's promote: the key's new value is current.
    const action =
      e.step === 'promote' || e.step === 'rotate'
        ? 'rotation.promoted'
        : e.step === 'finish'
          ? 'rotation.finalized'
          : undefined;
    if (!action) return;
    write({
      action,
      ...about(e.name, e.newTokenName),
      rotationId: e.rotationId,
      changes: { tokenName: { before: e.oldTokenName, after: e.newTokenName } },
    });
  });
  emitter.on('rotation.failed', (e) => {
    if (!e.rolledBack) return;
    write({
      action: 'rotation.rolled-back',
      token: e.name,
      environment: o.environmentOf(e.name),
      rotationId: e.rotationId,
      error: Object.assign(new Error(e.message), { code: 'rotation_failed' }),
    });
  });
  return () => queue;
}
