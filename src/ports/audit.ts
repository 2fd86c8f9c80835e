/** What was done to a token (or its stored value). */
export type AuditAction =
  | 'token.created'
  | 'token.budget-set'
  | 'token.topped-up'
  | 'token.extended'
  | 'token.revoked'
  | 'plan.applied'
  | 'rotation.started'
  | 'rotation.promoted'
  | 'rotation.finalized'
  | 'rotation.rolled-back'
  | 'token.leak-response';

/** A field's value before or after a change: plain JSON, never a token value. */
export type AuditValue = string | number | boolean | null;

/**
 * One structured record of an operation that changed a token or its stored value. Never carries a
 * value: at most the `fingerprint` of one (8 hex chars of its SHA-256).
 *
 * @example
 * // {
 * //   id: '2b1f…', time: '2024-05-13T09:30:00.000Z', actor: 'alice@build-01', action: 'token.budget-set',
 * //   token: 'prod-web-app', tokenName: 'prod-web-app--g2', generation: 2, environment: 'prod',
 * //   changes: { balance: { before: 120, after: 500 } }, reason: 'quarterly refill', outcome: 'success',
 * // }
 */
export interface AuditEvent {
  /** Unique per event (a UUID). */
  id: string;
  /** When it happened, ISO 8601 in UTC. */
  time: string;
  /** Who did it: the `actor` option, `--actor`, or a default such as `user@host`. */
  actor: string;
  action: AuditAction;
  /** Logical token name (`prod-web-app`). */
  token: string;
  /** Eden name of the generation acted on (`prod-web-app--g2`), when known. */
  tokenName?: string;
  generation?: number;
  environment?: string;
  /** The changed fields, before → after. */
  changes?: Record<string, { before: AuditValue; after: AuditValue }>;
  /** Why, as the caller gave it (`reason` option, `--reason`). */
  reason?: string;
  outcome: 'success' | 'failure';
  /** The error's message and code when `outcome` is `failure`. */
  error?: { code: string; message: string };
  /** Eden's request id of the call that made the change, where there is one. */
  requestId?: string;
  /** Fingerprint of the value concerned (a leaked one, a new generation's), never the value. */
  fingerprint?: string;
  /** Rotation id, for rotation steps and leak responses. */
  rotationId?: string;
}

/**
 * Where audit events go. `write` receives events in the order they happened; a throw is logged by
 * the emitter and does not undo the operation (it already happened at Eden).
 *
 * @example
 * const sink: AuditSink = {
 *   name: 'siem',
 *   async write(events) { await siem.send(events); },
 * };
 */
export interface AuditSink {
  readonly name: string;
  write(events: AuditEvent[]): Promise<void>;
}

/**
 * Who acts and why, for the audit events of one call (a manager's `actor` option is the default).
 *
 * @example
 * await registry.setBudget('prod-web-app', 750, { reason: 'Q3 traffic', actor: 'alice' });
 */
export interface AuditContext {
  actor?: string;
  reason?: string;
}
