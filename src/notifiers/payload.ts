import type { Alert } from '../alerts/types.js';

/** An alert as JSON: `at` as an ISO string. */
export type AlertJson = Omit<Alert, 'at'> & { at: string };

/**
 * What `WebhookNotifier` posts, following the Standard Webhooks payload shape
 * (`type`, `timestamp`, `data`). `verifyWebhook` returns it parsed.
 *
 * @example
 * const payload: WebhookPayload = verifyWebhook(body, headers, secret);
 * payload.data.alerts.filter((a) => a.severity === 'critical');
 */
export interface WebhookPayload {
  type: 'edenai.token.alerts';
  /** ISO time the batch was sent. */
  timestamp: string;
  data: { alerts: AlertJson[] };
}

export function webhookPayload(alerts: readonly Alert[], now: Date): WebhookPayload {
  return {
    type: 'edenai.token.alerts',
    timestamp: now.toISOString(),
    data: { alerts: alerts.map((a) => ({ ...a, at: a.at.toISOString() })) },
  };
}
