// The webhook wire format (Standard Webhooks): the payload, its HMAC signature, the notifier that
// sends it and `verifyWebhook`, which receivers use to check it.

import { hmac as hmacOf } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ConfigurationError, EdenAIError, type ErrorCode, InvalidInputError } from '../core/errors.js';
import { Secret } from '../core/secret.js';
import type { Clock } from '../core/types.js';
import type { Alert, Notifier } from '../ports/notifier.js';
import { deliveryOptions, type HttpDeliveryOptions, parseTargetUrl, postWithRetry } from './delivery.js';

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

function webhookPayload(alerts: readonly Alert[], now: Date): WebhookPayload {
  return {
    type: 'edenai.token.alerts',
    timestamp: now.toISOString(),
    data: { alerts: alerts.map((a) => ({ ...a, at: a.at.toISOString() })) },
  };
}

/**
 * A signing secret: base64 of random bytes, usually with the Standard Webhooks prefix
 * (`whsec_<base64>`); the decoded bytes are the HMAC key, with or without the prefix, as the
 * reference `standardwebhooks` package reads it. Optionally wrapped in a `Secret`.
 *
 * @example
 * // node -e "console.log('whsec_'+require('crypto').randomBytes(24).toString('base64'))"
 * const secret: WebhookSecret = process.env.WEBHOOK_SECRET!; // whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
 */
export type WebhookSecret = string | Secret;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAKE_ONE = `make one with: node -e "console.log('whsec_'+require('crypto').randomBytes(24).toString('base64'))"`;

// Web-standard on purpose (no node:crypto, no Buffer): webhooks are signed and verified on edge
// runtimes too, and `verifyWebhook` stays synchronous.
const utf8 = new TextEncoder();

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Compares every byte whatever the first difference, so timing says nothing about the signature. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Turns one or several secrets into HMAC keys. Never echoes a secret in an error. */
function signingKeys(
  secrets: WebhookSecret | readonly WebhookSecret[] | undefined,
  where: string,
): Uint8Array[] {
  const list = Array.isArray(secrets) ? secrets : secrets === undefined ? [] : [secrets];
  if (list.length === 0) throw new ConfigurationError(`${where}: give a signing \`secret\` (or \`secrets\`)`);
  return list.map((s, i) => {
    const raw = Secret.isSecret(s) ? s.reveal() : s;
    if (typeof raw !== 'string' || raw.length === 0) {
      throw new ConfigurationError(`${where}: secret #${i + 1} must be a non-empty string`);
    }
    // Standard Webhooks secrets are base64, the `whsec_` prefix optional (the reference decodes both).
    const b64 = raw.startsWith('whsec_') ? raw.slice('whsec_'.length) : raw;
    if (!BASE64.test(b64) || b64.length % 4 !== 0) {
      throw new ConfigurationError(
        `${where}: secret #${i + 1} is not valid base64 (with or without the whsec_ prefix), so receivers built on Standard Webhooks could not verify with it; ${MAKE_ONE}`,
      );
    }
    return fromBase64(b64);
  });
}

/** HMAC-SHA256 over `${id}.${timestamp}.${body}`, per the Standard Webhooks spec. */
function hmac(key: Uint8Array, id: string, timestamp: string, body: string | Uint8Array): Uint8Array {
  const mac = hmacOf.create(sha256, key);
  mac.update(utf8.encode(`${id}.${timestamp}.`));
  mac.update(typeof body === 'string' ? utf8.encode(body) : body);
  return mac.digest();
}

/** The `webhook-signature` header: `v1,<base64>` per key, space-separated (several during rotation). */
function signatureHeader(keys: readonly Uint8Array[], id: string, timestamp: string, body: string): string {
  return keys.map((k) => `v1,${toBase64(hmac(k, id, timestamp, body))}`).join(' ');
}

export interface WebhookNotifierOptions extends HttpDeliveryOptions {
  url: string;
  /** Signing secret: `whsec_<base64>` (or the base64 alone). */
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
  readonly #keys: Uint8Array[];
  readonly #options: HttpDeliveryOptions;
  readonly #clock: Clock;

  constructor(options: WebhookNotifierOptions) {
    this.#url = parseTargetUrl(options?.url, 'WebhookNotifier');
    this.#keys = signingKeys(options.secrets ?? options.secret, 'WebhookNotifier');
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === ''))
      throw new ConfigurationError('WebhookNotifier: `name` must be a non-empty string');
    if (options.clock !== undefined && typeof options.clock !== 'function')
      throw new ConfigurationError('WebhookNotifier: `clock` must be a function returning a Date');
    this.name = options.name ?? 'webhook';
    this.#clock = options.clock ?? (() => new Date());
    this.#options = deliveryOptions(options, 'WebhookNotifier');
  }

  async notify(alerts: Alert[]): Promise<void> {
    if (!Array.isArray(alerts))
      throw new InvalidInputError('notify() takes an array of alerts', { field: 'alerts' });
    const id = `msg_${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
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

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Largest accepted clock difference, either way (replay window), in ms. Default 300 000 (5 min). */
  toleranceMs?: number;
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
  const { toleranceMs, now } = verifyOptions(options);
  // The signature covers the exact bytes sent: a body already parsed by a JSON middleware cannot be
  // checked, and re-serializing it would not give the same bytes back.
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new WebhookVerificationError(
      'invalid_body',
      'verifyWebhook needs the raw body exactly as received (a string or bytes), not a parsed object: read it before any JSON body parser (e.g. express.raw({ type: "application/json" }))',
    );
  }
  if (typeof headers !== 'object' || headers === null) {
    throw new WebhookVerificationError('missing_header', 'No request headers given');
  }
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');

  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not unix seconds');
  }
  // The header is in whole seconds, so the skew is compared in seconds too.
  const tolerance = toleranceMs / 1000;
  const skew = Math.floor(now().getTime() / 1000) - Number(timestamp);
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
    .flatMap((s) => {
      try {
        return [fromBase64(s.slice(3))];
      } catch {
        return []; // not base64: matches nothing
      }
    });
  const ok = given.some((g) => expected.some((e) => sameBytes(e, g)));
  if (!ok) throw new WebhookVerificationError('invalid_signature', 'No webhook signature matches');

  try {
    return JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)) as T;
  } catch {
    throw new WebhookVerificationError('invalid_body', 'Webhook body is not JSON');
  }
}

/** The receiver's options, checked: a typo must not disable the replay window. */
function verifyOptions(options: VerifyWebhookOptions): { toleranceMs: number; now: () => Date } {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('verifyWebhook: options must be an object { toleranceMs?, now? }');
  const { toleranceMs = 300_000, now } = options;
  if (typeof toleranceMs !== 'number' || !Number.isFinite(toleranceMs) || toleranceMs < 0)
    throw new ConfigurationError('verifyWebhook: `toleranceMs` must be a number of ms ≥ 0');
  if (now === undefined) return { toleranceMs, now: () => new Date() };
  if (typeof now === 'function') return { toleranceMs, now: now };
  if (now instanceof Date && !Number.isNaN(now.getTime())) return { toleranceMs, now: () => now };
  throw new ConfigurationError('verifyWebhook: `now` must be a valid Date or a function returning one');
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
