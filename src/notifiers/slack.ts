import { SEVERITY_ICON, sortBySeverity } from '../alerts/format.js';
import type { Alert, Notifier } from '../ports/notifier.js';
import { deliveryOptions, type HttpDeliveryOptions, parseTargetUrl, postWithRetry } from './delivery.js';

export interface SlackNotifierOptions extends HttpDeliveryOptions {
  /** The incoming-webhook URL (`https://hooks.slack.com/services/…`): a secret, kept private. */
  webhookUrl: string;
  name?: string;
}

/** Slack allows 50 blocks per message: header + 45 alerts + "and N more". */
const MAX_ALERT_BLOCKS = 45;

/** Slack's incoming-webhook message: Block Kit `blocks` plus a plain `text` fallback. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/**
 * Posts alerts to a Slack channel through an incoming webhook: a header, then one section per
 * alert (severity emoji, token, environment, message), worst first. Same retries as
 * `WebhookNotifier`.
 *
 * @example
 * new SlackNotifier({ webhookUrl: process.env.SLACK_WEBHOOK_URL! });
 */
export class SlackNotifier implements Notifier {
  readonly name: string;
  readonly #url: URL;
  readonly #options: HttpDeliveryOptions;

  constructor(options: SlackNotifierOptions) {
    this.#url = parseTargetUrl(options?.webhookUrl, 'SlackNotifier `webhookUrl`');
    this.name = options.name ?? 'slack';
    this.#options = deliveryOptions(options, 'SlackNotifier');
  }

  async notify(alerts: Alert[]): Promise<void> {
    const body = JSON.stringify(slackMessage(alerts));
    await postWithRetry(this.name, this.#url, { request: () => ({ body, headers: {} }) }, this.#options);
  }
}

/**
 * Builds the Slack message for a batch of alerts (what `SlackNotifier` posts), e.g. to send it
 * through your own Slack client.
 *
 * @example
 * await slackClient.chat.postMessage({ channel: '#ops', ...slackMessage(report.sent) });
 */
export function slackMessage(alerts: readonly Alert[]): SlackMessage {
  const sorted = sortBySeverity(alerts);
  const worst = sorted[0]?.severity ?? 'info';
  const title = `${SEVERITY_ICON[worst]} Eden AI token alerts: ${counts(sorted)}`;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
  ];
  for (const a of sorted.slice(0, MAX_ALERT_BLOCKS)) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${SEVERITY_ICON[a.severity]} *${esc(a.token)}* · \`${esc(a.environment)}\` · ${a.severity}\n${esc(a.message)}`.slice(
          0,
          3000,
        ),
      },
    });
  }
  if (sorted.length > MAX_ALERT_BLOCKS) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${sorted.length - MAX_ALERT_BLOCKS} more` }],
    });
  }
  const lines = sorted.map((a) => `${SEVERITY_ICON[a.severity]} ${a.message}`);
  return { text: `${title}\n${lines.join('\n')}`.slice(0, 3000), blocks };
}

function counts(alerts: readonly Alert[]): string {
  const n = { critical: 0, warning: 0, info: 0 };
  for (const a of alerts) n[a.severity]++;
  return (['critical', 'warning', 'info'] as const)
    .filter((s) => n[s] > 0)
    .map((s) => `${n[s]} ${s}`)
    .join(', ');
}

/** Slack mrkdwn needs only these three escaped. */
function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
