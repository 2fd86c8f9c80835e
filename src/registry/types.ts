import type { EdenToken, ResetPeriod, TokenType } from '../ports/backend.js';

/**
 * A token the registry manages: the logical token `{environment}-{app}` and its current generation.
 * Carries `secretRef` (the SecretStore key holding the current value), never the value itself.
 */
export interface ManagedToken {
  /** Logical name, stable across rotations: `prod-web-app`. */
  name: string;
  /** Eden's name of the current generation: `prod-web-app` or `prod-web-app--g3`. */
  tokenName: string;
  generation: number;
  environment: string;
  app: string;
  tokenType: TokenType;
  balance: number | null;
  activeBalance: boolean;
  expireTime: Date | null;
  balanceResetPeriod: ResetPeriod;
  balanceResetAmount: number | null;
  /** SecretStore key whose entry holds the current generation's value. */
  secretRef: string;
  /** Eden names of every live generation (two while a rotation is in its grace period). */
  generations: string[];
}

/** What `byEnvironment()` returns: one key per declared environment, plus `unmanaged`. */
export type TokensByEnvironment = Record<string, ManagedToken[]> & { unmanaged: EdenToken[] };

export interface CreateManagedTokenInput {
  environment: string;
  app: string;
  /** USD. Default: the environment's `budget.default`; none → unlimited (`activeBalance: false`). */
  budget?: number;
  /** Default: the environment's `expiry.defaultDays`. */
  expiresInDays?: number;
  /** Default: the environment's `budget.resetPeriod`. */
  resetPeriod?: ResetPeriod;
}

/** Desired state for `plan()`: environment → app → settings (mirrors the tutorial's setup config). */
export type DesiredState = Record<
  string,
  Record<
    string,
    { budget?: number; expiresInDays?: number; resetPeriod?: ResetPeriod; tokenType?: TokenType }
  >
>;

export type PlanAction =
  | {
      type: 'create';
      name: string;
      environment: string;
      app: string;
      budget?: number;
      expiresInDays?: number;
      resetPeriod?: ResetPeriod;
    }
  | {
      type: 'update';
      name: string;
      environment: string;
      app: string;
      changes: { field: string; from: unknown; to: unknown }[];
    }
  | { type: 'delete'; name: string; environment: string; app: string };

export interface Plan {
  actions: PlanAction[];
}

export interface ApplyResult {
  results: { action: PlanAction; ok: boolean; error?: Error; token?: ManagedToken }[];
  succeeded: number;
  failed: number;
}

/**
 * Metadata the registry and the RotationManager keep on a token's SecretStore entry, so the
 * entry always names the Eden token its value belongs to.
 */
export interface SecretEntryMetadata {
  [key: string]: string | number | boolean | null;
  tokenName: string;
  generation: number;
}

/** The read-only side of `TokenRegistry` that UsageMonitor and AlertSystem depend on. */
export interface RegistryView {
  readonly environments: Readonly<Record<string, import('./policy.js').EnvironmentPolicy>>;
  /** Parses an Eden token name (any generation) into environment / app / logical name. */
  parseName(tokenName: string): import('./naming.js').ParsedName | undefined;
  list(filter?: { environment?: string }): Promise<ManagedToken[]>;
  byEnvironment(): Promise<TokensByEnvironment>;
  /** Accepts a logical name or any generation's name. Throws `NotFoundError`. */
  get(name: string): Promise<ManagedToken>;
}
