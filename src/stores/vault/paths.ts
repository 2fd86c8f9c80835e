// Store keys ↔ KV v2 paths. A key is a path inside `pathPrefix` ("prod/web-app"): its segments
// become Vault folders, so `vault kv list` shows them the way people expect.
import { InvalidInputError } from '../../core/errors.js';
import { isCleanPath } from './options.js';

/** Throws `InvalidInputError` for keys Vault would read as folders or relative paths. */
export function assertVaultKey(key: string): void {
  if (!isCleanPath(key, false)) {
    throw new InvalidInputError(
      'Vault keys must be paths of non-empty segments without "." or "..", and must not start or end with "/"',
      { field: 'key' },
    );
  }
}

/** Percent-encodes each segment; `/` stays a separator. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The API path of `{mount}/{kind}/{pathPrefix}{key}`. */
export function apiPath(
  mount: string,
  kind: 'data' | 'metadata' | 'delete' | 'destroy',
  relative: string,
): string {
  return `${encodePath(mount)}/${kind}/${encodePath(relative)}`;
}
