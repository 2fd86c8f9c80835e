// Store keys ↔ Secrets Manager secret names. AWS names allow only ASCII letters, digits and
// `/_+=.@-` (at most 512 characters), so every other UTF-8 byte, and `=` itself, is written as
// `=XX` (quoted-printable style). The encoding works byte by byte, so the encoding of a key prefix
// is a prefix of the encoding of the key: `ListSecrets` can still filter by prefix.
import { ConfigurationError, InvalidInputError } from '../../core/errors.js';

const PLAIN = /^[A-Za-z0-9/_+.@-]$/;
const NAME = /^[A-Za-z0-9/_+=.@-]*$/;
const MAX_NAME = 512;

/** Encodes a store key (any non-empty string) into the characters AWS accepts in a secret name. */
export function encodeKey(key: string): string {
  let out = '';
  for (const char of key) {
    if (PLAIN.test(char)) out += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The key a secret name (without the store prefix) encodes; `undefined` for a name we did not write. */
export function decodeKey(encoded: string): string | undefined {
  if (!NAME.test(encoded) || /=(?![0-9A-F]{2})/.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '=') {
      bytes.push(Number.parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(encoded.charCodeAt(i));
  }
  const key = Buffer.from(bytes).toString('utf8');
  return encodeKey(key) === encoded ? key : undefined; // rejects invalid UTF-8 and non-canonical forms
}

/** The full secret name of `key`; throws `InvalidInputError` when it would exceed AWS's 512 characters. */
export function secretName(prefix: string, key: string): string {
  const name = prefix + encodeKey(key);
  if (name.length > MAX_NAME) {
    throw new InvalidInputError(
      `Key is too long for AWS Secrets Manager: its secret name would have ${name.length} characters (max ${MAX_NAME})`,
      { field: 'key' },
    );
  }
  return name;
}

/** Validates the store prefix once, at construction. */
export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !NAME.test(prefix) || prefix.length > 256) {
    throw new ConfigurationError(
      'AwsSecretsManagerStore `prefix` must be a string of at most 256 characters from A-Z a-z 0-9 / _ + = . @ -',
    );
  }
  return prefix;
}
