import type { ResetPeriod, TokenType } from '../core/limits.js';
import type { Secret } from '../core/secret.js';
import type { RequestOptions } from '../core/types.js';

export type { ResetPeriod, TokenType };

/** One Eden AI token as the SDK sees it (camelCase, money as number USD, times as Date). */
export interface EdenToken {
  /** Eden's unique name (for a rotated token, includes the generation suffix). */
  name: string;
  tokenType: TokenType;
  /** Remaining balance in USD; `null` when Eden reports none. */
  balance: number | null;
  /** When false the balance is not enforced: spending is unlimited. */
  activeBalance: boolean;
  expireTime: Date | null;
  balanceResetPeriod: ResetPeriod;
  balanceResetAmount: number | null;
  /** The token value, when the server returned it (v2 reads, v3 create/rotate). */
  secret?: Secret;
  /** Non-secret display form, when the server gives one (`sk-eden-live…c5d6`). */
  masked?: string;
  last4?: string;
  /** Backend-specific id (v3 uuid); absent on v2. */
  id?: string;
  /** The key's cost tags (v3 `default_tags`, keys lowercase), when the backend knows them; never on v2. */
  tags?: Record<string, string>;
  /**
   * Set when the backend lists this token but cannot change it, saying why and what to do (a v3
   * legacy key without id): the registry reports it as unmanaged.
   */
  unmanageable?: string;
  /** Unknown fields the server sent, kept as-is (never includes the token value). */
  extra?: Record<string, unknown>;
}

export interface CreateTokenInput {
  name: string;
  tokenType?: TokenType;
  balance?: number | null;
  activeBalance?: boolean;
  expireTime?: Date | null;
  balanceResetPeriod?: ResetPeriod;
  balanceResetAmount?: number | null;
  /** Cost tags the key carries (v3 `default_tags`); a v2 backend ignores them (Eden's v2 has none). */
  tags?: Record<string, string>;
}

export interface UpdateTokenInput {
  balance?: number;
  activeBalance?: boolean;
  expireTime?: Date | null;
  balanceResetPeriod?: ResetPeriod;
  balanceResetAmount?: number | null;
  /** Cost tags the key carries (v3 `default_tags`); a v2 backend ignores them (Eden's v2 has none). */
  tags?: Record<string, string>;
}

/**
 * The one narrow interface the managers use. `CustomTokenClient` (v2) implements it directly;
 * other backends (v3 Management API, test doubles) plug in the same way. Tokens are addressed by name.
 */
export interface TokenBackend {
  /** Creates a token. A backend that returns the value only at creation sets `secret` here. */
  create(input: CreateTokenInput, options?: RequestOptions): Promise<EdenToken>;
  list(options?: RequestOptions): Promise<EdenToken[]>;
  /** Throws `NotFoundError` when absent. */
  get(name: string, options?: RequestOptions): Promise<EdenToken>;
  update(name: string, patch: UpdateTokenInput, options?: RequestOptions): Promise<EdenToken>;
  /** Throws `NotFoundError` when absent. */
  delete(name: string, options?: RequestOptions): Promise<void>;
  /**
   * Optional native rotation (v3 Management API): same token, new value, returned once in
   * `secret`. Backends without it are rotated by creating a new generation.
   */
  rotate?(name: string, options?: RequestOptions): Promise<EdenToken & { secret: Secret }>;
}
