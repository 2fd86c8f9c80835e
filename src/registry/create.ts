import { ConfigurationError, NotFoundError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import type { Logger, RequestOptions } from '../core/types.js';
import type { EdenToken, TokenBackend } from '../ports/backend.js';
import type { SecretStore } from '../ports/stores.js';
import type { SecretEntryMetadata } from './types.js';

interface Deps {
  backend: TokenBackend;
  secrets: SecretStore;
  logger: Logger;
}

/**
 * After `backend.create`: finds the new token's value (in the create answer, else by reading the
 * token, since Eden's v2 create never returns it) and stores it at `secretRef`. If that fails, the
 * token is deleted again, so no token is left whose value nobody holds. Returns the freshest view.
 */
export async function storeNewValue(
  deps: Deps,
  created: EdenToken,
  secretRef: string,
  options?: RequestOptions,
): Promise<EdenToken> {
  const name = created.name;
  try {
    let token = created;
    let secret: Secret | undefined = created.secret;
    if (!secret) {
      token = await deps.backend.get(name, options);
      secret = token.secret;
    }
    if (!secret) throw new ConfigurationError(`backend returned no value for token "${name}"`);
    const metadata: SecretEntryMetadata = { tokenName: name, generation: 1 };
    await deps.secrets.set(secretRef, secret, { metadata });
    return token;
  } catch (err) {
    throw await undoCreate(deps, name, err, options);
  }
}

async function undoCreate(
  deps: Deps,
  name: string,
  cause: unknown,
  options?: RequestOptions,
): Promise<unknown> {
  let undone = true;
  try {
    await deps.backend.delete(name, options);
  } catch (err) {
    undone = err instanceof NotFoundError;
    deps.logger.error(`could not delete ${name} after a failed create`, { name });
  }
  const tail = undone ? 'it was deleted again' : `deleting it failed too: delete "${name}" by hand`;
  if (cause instanceof ConfigurationError) {
    return new ConfigurationError(
      `Token "${name}" was created, but the backend does not expose token values (none on create or read), so ${tail}. Eden's v2 API may no longer return values; use a backend whose create hands the value over, such as ManagementKeyBackend (v3).`,
      { cause },
    );
  }
  if (!undone && cause instanceof Error) cause.message += ` (token "${name}" was created; ${tail})`;
  return cause;
}
