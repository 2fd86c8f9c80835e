import type { Secret } from '../core/secret.js';
import type { ClientOptions } from '../http/options.js';
import type { CreateTokenInput, EdenToken, UpdateTokenInput } from '../ports/backend.js';
import type { UsageQuery } from '../ports/usage.js';

/**
 * An inference key as the v3 Management API describes it. Reads never carry its value: only
 * `create` and `rotate` return it, once (see {@link ManagementKeyWithSecret}).
 *
 * @example
 * const key: ManagementKey = await client.get('5f0c…');
 * if (key.revoked) console.log(`${key.name} was revoked at ${key.revokedAt?.toISOString()}`);
 */
export interface ManagementKey extends Omit<EdenToken, 'id' | 'tags' | 'unmanageable'> {
  /** The key's uuid; `null` for a legacy key Eden has not migrated (it cannot be changed here). */
  id: string | null;
  /** The cost tags every call made with the key carries (keys lowercase), when the server sent them. */
  defaultTags?: Record<string, string>;
  /** Email of the organization member who owns the key. */
  member: string | null;
  /** Revoked keys stay listed; a revoke is irreversible. */
  revoked: boolean;
  revokedAt: Date | null;
}

/**
 * A key with its one-time value: the answer of `create` and `rotate`. Store `secret` at once.
 *
 * @example
 * const { id, secret } = await client.create({ name: 'prod-web-app' });
 * await secrets.set('edenai/prod-web-app', secret);
 */
export type ManagementKeyWithSecret = ManagementKey & { secret: Secret };

/**
 * Input of `ManagementKeyClient.create`: the v2 token fields, plus the owning member.
 *
 * @example
 * const input: CreateManagementKeyInput = { name: 'prod-web-app', balance: 25, balanceResetPeriod: 'monthly', balanceResetAmount: 25 };
 */
export interface CreateManagementKeyInput extends Omit<CreateTokenInput, 'tags'> {
  /** Email of the member the key belongs to (default: the management key's owner). */
  member?: string;
  /**
   * Cost tags every call made with the key carries (Eden's rules: see `normalizeTags`). At most 9:
   * the create sends one more, a one-time marker that proves the key ours if the answer is lost.
   */
  defaultTags?: Record<string, string>;
}

/**
 * A v3 PATCH: the policy fields, and a rename.
 *
 * @example
 * const patch: ManagementKeyPatch = { name: 'prod-web-app-old', balance: 0, defaultTags: { team: 'payments' } };
 */
export interface ManagementKeyPatch extends Omit<UpdateTokenInput, 'tags'> {
  name?: string;
  /** Replaces the key's cost tags (`{}` removes them all). */
  defaultTags?: Record<string, string>;
}

/**
 * Options of `ManagementKeyClient.list`.
 *
 * @example
 * for await (const key of client.list({ limit: 50 })) console.log(key.name);
 */
export interface ListKeysOptions {
  /** Keys per page, 1–100 (Eden's maximum, the default). */
  limit?: number;
}

/**
 * A usage query on v3: inclusive dates like v2 (the client sends Eden's exclusive `end`), and
 * ranges longer than 366 days are fetched window by window. `keyId` reads one key's usage by
 * identity (`/manage/keys/{id}/usage/`); `token` filters the organization's usage by key name.
 *
 * @example
 * const q: ManagementUsageQuery = { begin: '2026-01-01', end: '2026-12-31', step: 3, keyId: key.id! };
 */
export interface ManagementUsageQuery extends UsageQuery {
  keyId?: string;
  /** Feature category, e.g. `text`. */
  feature?: string;
  /** Whose provider keys paid: Eden's (`eden`), yours (`own_keys`) or both. */
  billing?: 'eden' | 'own_keys' | 'all';
}

/**
 * What the management key is: `GET /manage/whoami/`.
 *
 * @example
 * const me = await client.whoami();
 * if (!me.scopes.includes('manage:write')) throw new Error('read-only management key');
 */
export interface ManagementWhoami {
  organization: { id: string | null; name: string | null } | null;
  /** `manage:read`, `manage:write`, `manage:mint`. */
  scopes: string[];
  /** When the management key expires; `null` for a permanent one. */
  expireTime: Date | null;
  /** The calling key, as far as the server describes it. */
  key: { id: string | null; name: string | null; masked: string | null } | null;
  /** Unknown fields the server sent, kept as-is. */
  extra?: Record<string, unknown>;
}

/**
 * Options of `ManagementKeyClient`: the v2 client options, with a management key and the v3 host.
 *
 * @example
 * const options: ManagementKeyClientOptions = {
 *   apiKey: process.env.EDENAI_MANAGEMENT_KEY, // mgmt-eden-… with manage:read / manage:write
 *   maxRequestsPerSecond: 10,
 * };
 */
export interface ManagementKeyClientOptions extends ClientOptions {
  /**
   * A management (auth) key, `mgmt-eden-…`, with `manage:read` (reads) and `manage:write` (writes).
   * Default: `process.env.EDENAI_MANAGEMENT_KEY`; missing → `ConfigurationError`.
   */
  apiKey?: string | undefined;
  /** Includes the API version. Default `https://api.edenai.run/v3`. */
  baseUrl?: string | undefined;
}
