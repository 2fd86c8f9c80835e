import { createHmac } from 'node:crypto';
import { ConfigurationError } from '../core/errors.js';
import { Secret } from '../core/secret.js';

/**
 * A signing secret: `whsec_<base64>` (the Standard Webhooks form: the base64 part is the key)
 * or any other string (its UTF-8 bytes are the key), optionally wrapped in a `Secret`.
 */
export type WebhookSecret = string | Secret;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Turns one or several secrets into HMAC keys. Never echoes a secret in an error. */
export function signingKeys(
  secrets: WebhookSecret | readonly WebhookSecret[] | undefined,
  where: string,
): Buffer[] {
  const list = Array.isArray(secrets) ? secrets : secrets === undefined ? [] : [secrets];
  if (list.length === 0) throw new ConfigurationError(`${where}: give a signing \`secret\` (or \`secrets\`)`);
  return list.map((s, i) => {
    const raw = Secret.isSecret(s) ? s.reveal() : s;
    if (typeof raw !== 'string' || raw.length === 0) {
      throw new ConfigurationError(`${where}: secret #${i + 1} must be a non-empty string`);
    }
    if (!raw.startsWith('whsec_')) return Buffer.from(raw, 'utf8');
    const b64 = raw.slice('whsec_'.length);
    if (!BASE64.test(b64) || b64.length % 4 !== 0) {
      throw new ConfigurationError(
        `${where}: secret #${i + 1} starts with whsec_ but is not valid base64 after it`,
      );
    }
    return Buffer.from(b64, 'base64');
  });
}

/** HMAC-SHA256 over `${id}.${timestamp}.${body}`, per the Standard Webhooks spec. */
export function hmac(key: Buffer, id: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/** The `webhook-signature` header: `v1,<base64>` per key, space-separated (several during rotation). */
export function signatureHeader(
  keys: readonly Buffer[],
  id: string,
  timestamp: string,
  body: string,
): string {
  return keys.map((k) => `v1,${hmac(k, id, timestamp, body).toString('base64')}`).join(' ');
}
