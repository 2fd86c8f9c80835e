import { randomUUID } from 'node:crypto';
import type { Alert } from '../alerts/types.js';
import type { Clock } from '../core/types.js';
import type { Notifier } from '../ports/notifier.js';
import { deliveryOptions, type HttpDeliveryOptions, parseTargetUrl, postWithRetry } from './delivery.js';
import { webhookPayload } from './payload.js';
import { signatureHeader, signingKeys, type WebhookSecret } from './signing.js';

export interface WebhookNotifierOptions extends HttpDeliveryOptions {
  url: string;
  /** Signing secret: `whsec_<base64>` or any string. */
  secret?: WebhookSecret;
  /** Several secrets (during a secret rotation): one signature each. */
  secrets?: readonly WebhookSecret[];
  name?: string;
  /** For `webhook-timestamp`. Default: the system clock. */
  clock?: Clock;
}

/**
 * POSTs alerts as JSON, signed per the Standard Webhooks spec: `webhook-id` (one per message,
 * the same on every retry), `webhook-timestamp` (unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256>` per secret). Receivers check it with `verifyWebhook`.
 * Retries connection errors, 408, 429 and 5xx with backoff, honouring `Retry-After`.
 *
 * @example
 * new WebhookNotifier({ url: 'https://ops.example.com/hooks/edenai', secret: process.env.WEBHOOK_SECRET! });
 */
export class WebhookNotifier implements Notifier {
  readonly name: string;
  // Private fields: never shown by JSON.stringify or util.inspect.
  readonly #url: URL;
  readonly #keys: Buffer[];
  readonly #options: HttpDeliveryOptions;
  readonly #clock: Clock;

  constructor(options: WebhookNotifierOptions) {
    this.#url = parseTargetUrl(options?.url, 'WebhookNotifier');
    this.#keys = signingKeys(options.secrets ?? options.secret, 'WebhookNotifier');
    this.name = options.name ?? 'webhook';
    this.#clock = options.clock ?? (() => new Date());
    this.#options = deliveryOptions(options, 'WebhookNotifier');
  }

  async notify(alerts: Alert[]): Promise<void> {
    const id = `msg_${randomUUID().replaceAll('-', '')}`;
    const body = JSON.stringify(webhookPayload(alerts, this.#clock()));
    await postWithRetry(
      this.name,
      this.#url,
      {
        request: () => {
          // Re-signed per attempt: a retry after a long Retry-After still has a fresh timestamp.
          const timestamp = String(Math.floor(this.#clock().getTime() / 1000));
          return {
            body,
            headers: {
              'webhook-id': id,
              'webhook-timestamp': timestamp,
              'webhook-signature': signatureHeader(this.#keys, id, timestamp, body),
            },
          };
        },
      },
      this.#options,
    );
  }
}
