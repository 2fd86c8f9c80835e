// Store keys → the names cloud services accept for one entry (Key Vault secrets, Kubernetes
// Secrets): readable when the key is, otherwise a readable slug and a hash, never a collision.
import { createHash } from 'node:crypto';

/** Lowercase letters, digits and single dashes: a key segment every service takes as it is. */
const SIMPLE_SEGMENT = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export interface NameRules {
  /** Put before every name (validated by the store). */
  prefix: string;
  /** What `/` between segments becomes (`--`, `.`). */
  join: string;
  /** Between the slug and the hash; readable names never contain it. */
  mark: string;
  /** The longest name the service takes. */
  max: number;
  /** The slug of a key with no letter or digit. */
  fallback: string;
}

/**
 * The name of `key`: keys made of simple segments map to readable names (`edenai/prod-web-app` →
 * `edenai--prod-web-app`); any other key gets a readable slug, `mark` and 20 hex digits of its
 * SHA-256, within `max` characters. The key itself is kept beside the value by each store.
 */
export function serviceName(key: string, rules: NameRules): string {
  const { prefix, join, mark, max, fallback } = rules;
  const segments = key.split('/');
  const plain = prefix + segments.join(join);
  if (segments.every((s) => SIMPLE_SEGMENT.test(s)) && plain.length <= max) return plain;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 20);
  const slug = segments
    .map((s) =>
      s
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter(Boolean)
    .join(join)
    .slice(0, max - prefix.length - mark.length - hash.length)
    .replace(/[^a-z0-9]+$/, '');
  return `${prefix}${slug || fallback}${mark}${hash}`;
}
