// The emergency response to a leaked token value: rotate with no grace period (the leaked
// generation stops working at once), raise a critical alert, write the audit event, and tell the
// people running the services what to do.
import { auditEvent, emitAudit } from '../audit/event.js';
import type { Clock, Logger } from '../core/types.js';
import type { AuditSink } from '../ports/audit.js';
import type { Alert, Notifier } from '../ports/notifier.js';
import type { RotationResult } from './types.js';

/**
 * Options of `respondToLeak(name, options)`.
 *
 * @example
 * await manager.respondToLeak('prod-web-app', { reason: 'pasted in a public issue', actor: 'alice' });
 */
export interface LeakResponseOptions {
  /** Why: where the value was exposed. Recorded in the audit event and the alert. */
  reason: string;
  /** Who responds. Default: the manager's `actor`, else `unknown`. */
  actor?: string;
  /** Where the critical alert goes (each one is tried; failures are listed, not thrown). */
  notifiers?: readonly Notifier[];
  /** Where the audit event goes. Default: the manager's `audit`. */
  audit?: AuditSink;
  /** Fingerprint of the leaked value, when it is known (`leaked --value-from-stdin`). */
  fingerprint?: string;
  signal?: AbortSignal;
}

/**
 * What `respondToLeak` did, and what the services using the token must do now. Holds no value.
 *
 * @example
 * const r = await manager.respondToLeak('prod-web-app', { reason: 'found in a public gist' });
 * console.log(r.actions.join('\n'));
 */
export interface LeakResponse {
  name: string;
  environment: string;
  /** The generation(s) whose values no longer work. */
  revoked: string[];
  /** The generation that holds the new value (the same Eden key after a native rotation). */
  newTokenName: string;
  rotation: RotationResult;
  /** The critical alert sent to the notifiers. */
  alert: Alert;
  notifierFailures: { notifier: string; error: Error }[];
  /** Human instructions for the people running the services (no values). */
  actions: string[];
}

/** What the response needs from its RotationManager. */
export interface LeakHost {
  clock: Clock;
  logger: Logger;
  audit: AuditSink | undefined;
  actor: string | undefined;
  environmentOf(name: string): string;
  secretRefFor(name: string): string;
  /** The rotation in its grace period, if any: finished now (its old generation revoked). */
  finishGrace(name: string, signal: AbortSignal | undefined): Promise<RotationResult | undefined>;
  /** Rotates with no grace period (continuing an unfinished rotation first, if there is one). */
  rotateNow(name: string, signal: AbortSignal | undefined): Promise<RotationResult>;
}

export async function respondToLeak(
  host: LeakHost,
  name: string,
  options: LeakResponseOptions,
): Promise<LeakResponse> {
  const environment = host.environmentOf(name);
  const actor = options.actor ?? host.actor;
  const audit = options.audit ?? host.audit;
  const revoked: string[] = [];
  let rotation: RotationResult;
  try {
    // A rotation in its grace period has two live values, either of which may be the leaked one.
    const finished = await host.finishGrace(name, options.signal);
    if (finished) revoked.push(finished.oldTokenName);
    rotation = await host.rotateNow(name, options.signal);
    if (rotation.status === 'grace') {
      // It continued an interrupted rotation that had a grace period: end it, then rotate again.
      revoked.push(rotation.oldTokenName);
      await host.finishGrace(name, options.signal);
      rotation = await host.rotateNow(name, options.signal);
    }
  } catch (error) {
    await emitAudit(
      audit,
      [
        auditEvent(
          {
            action: 'token.leak-response',
            token: name,
            environment,
            reason: options.reason,
            actor,
            fingerprint: options.fingerprint,
            error,
          },
          host.clock,
        ),
      ],
      host.logger,
    );
    throw error;
  }
  revoked.push(rotation.oldTokenName);
  const at = host.clock();
  const native = rotation.oldTokenName === rotation.newTokenName;
  const alert: Alert = {
    id: `leaked-token:${name}:${rotation.rotationId}`,
    kind: 'leaked-token',
    severity: 'critical',
    token: name,
    tokenName: rotation.oldTokenName,
    generation: rotation.generation,
    environment,
    message: `${name} leaked (${options.reason}): ${
      native
        ? 'its value was replaced'
        : `${revoked.join(', ')} revoked, ${rotation.newTokenName} replaces it`
    }; every service must reload its value now`,
    at,
  };
  const notifierFailures: LeakResponse['notifierFailures'] = [];
  for (const notifier of options.notifiers ?? []) {
    try {
      await notifier.notify([alert]);
    } catch (error) {
      notifierFailures.push({ notifier: notifier.name, error: error as Error });
    }
  }
  await emitAudit(
    audit,
    [
      auditEvent(
        {
          action: 'token.leak-response',
          token: name,
          tokenName: rotation.newTokenName,
          generation: rotation.generation,
          environment,
          changes: { tokenName: { before: rotation.oldTokenName, after: rotation.newTokenName } },
          reason: options.reason,
          actor,
          fingerprint: options.fingerprint,
          rotationId: rotation.rotationId,
        },
        host.clock,
      ),
    ],
    host.logger,
  );
  const ref = host.secretRefFor(name);
  const actions = [
    `The leaked value no longer works (since ${at.toISOString()}): services still using it get 401 errors.`,
    `Reload the new value from the secret store entry "${ref}" in every service that uses ${name}, now.`,
    ...rotation.migrationSteps,
    'Remove the leaked value from where it was exposed (git history, logs, tickets, chat).',
    `Check ${name}'s recent usage for spend you do not recognise: edenai-tokens usage`,
  ];
  return {
    name,
    environment,
    revoked,
    newTokenName: rotation.newTokenName,
    rotation,
    alert,
    notifierFailures,
    actions,
  };
}
