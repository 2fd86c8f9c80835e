import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/types.js';
import { WebhookVerificationError } from './errors.js';
import type { WebhookPayload } from './payload.js';
import { hmac, signingKeys, type WebhookSecret } from './signing.js';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Largest accepted clock difference, either way (replay window). Default 300 s. */
  toleranceSeconds?: number;
  /** The receiver's "now". Default: the system clock. */
  now?: Date | Clock;
}

/**
 * Verifies a Standard Webhooks request (what `WebhookNotifier` sends) and returns its parsed
 * payload. Checks the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, rejects
 * timestamps outside the tolerance (replays), and compares signatures in constant time; any of
 * several `v1,` signatures may match any of several secrets (secret rotation). Pass the raw body,
 * exactly as received. Throws `WebhookVerificationError` (see its `reason`).
 *
 * @example
 * http.createServer(async (req, res) => {
 *   const chunks: Buffer[] = [];
 *   for await (const chunk of req) chunks.push(chunk);
 *   try {
 *     const { data } = verifyWebhook(Buffer.concat(chunks), req.headers, process.env.WEBHOOK_SECRET!);
 *     for (const alert of data.alerts) console.log(alert.message);
 *     res.writeHead(204).end();
 *   } catch {
 *     res.writeHead(401).end();
 *   }
 * });
 */
export function verifyWebhook<T = WebhookPayload>(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secret: WebhookSecret | readonly WebhookSecret[],
  options: VerifyWebhookOptions = {},
): T {
  const keys = signingKeys(secret, 'verifyWebhook');
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');

  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not unix seconds');
  }
  const tolerance = options.toleranceSeconds ?? 300;
  const now =
    options.now === undefined ? new Date() : typeof options.now === 'function' ? options.now() : options.now;
  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (skew > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `Webhook timestamp is ${skew} s old (tolerance ${tolerance} s)`,
    );
  }
  if (-skew > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `Webhook timestamp is ${-skew} s in the future (tolerance ${tolerance} s)`,
    );
  }

  const expected = keys.map((k) => hmac(k, id, timestamp, body));
  const given = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const ok = given.some((g) => expected.some((e) => e.length === g.length && timingSafeEqual(e, g)));
  if (!ok) throw new WebhookVerificationError('invalid_signature', 'No webhook signature matches');

  try {
    return JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as T;
  } catch {
    throw new WebhookVerificationError('invalid_body', 'Webhook body is not JSON');
  }
}

function header(headers: WebhookHeaders, name: string): string {
  let value: string | string[] | null | undefined;
  if (typeof (headers as Headers).get === 'function') value = (headers as Headers).get(name);
  else {
    const record = headers as Record<string, string | string[] | undefined>;
    value = record[name];
    if (value === undefined) {
      const key = Object.keys(record).find((k) => k.toLowerCase() === name);
      value = key === undefined ? undefined : record[key];
    }
  }
  if (Array.isArray(value)) value = value.join(' ');
  if (!value) throw new WebhookVerificationError('missing_header', `Missing ${name} header`);
  return value;
}
