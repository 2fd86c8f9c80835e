import { EdenAIError, type ErrorCode } from '../core/errors.js';

export type WebhookVerificationReason =
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_signature'
  | 'invalid_body';

/**
 * `verifyWebhook` rejected a request: `reason` says why. Answer it with 400/401 and do not act on
 * the body. The message never includes the secret or the expected signature.
 *
 * @example
 * try { verifyWebhook(body, req.headers, secret); }
 * catch (e) { if (e instanceof WebhookVerificationError) res.writeHead(401).end(e.reason); }
 */
export class WebhookVerificationError extends EdenAIError {
  static override readonly code: ErrorCode = 'webhook_verification_failed';
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/**
 * A notifier could not hand its alerts over (after its retries). Names the notifier and the
 * receiving host, never the full URL (Slack webhook URLs are secrets) nor a signing secret.
 *
 * @example
 * report.failures.forEach((f) => f.error instanceof NotifierDeliveryError && console.warn(f.error.status));
 */
export class NotifierDeliveryError extends EdenAIError {
  static override readonly code: ErrorCode = 'notifier_delivery_failed';
  readonly notifier: string;
  /** Last HTTP status, when the receiver answered. */
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(
    message: string,
    init: { notifier: string; status?: number; attempts: number; cause?: unknown },
  ) {
    super(message, { cause: init.cause });
    this.notifier = init.notifier;
    this.status = init.status;
    this.attempts = init.attempts;
  }
}
