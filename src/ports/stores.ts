import type { JsonValue } from 'type-fest';
import type { Secret } from '../core/secret.js';

export type Metadata = Record<string, string | number | boolean | null>;

export interface StoredSecret {
  value: Secret;
  /** Opaque version string; changes on every write. */
  version: string;
  metadata?: Metadata;
}

export interface WriteOptions {
  /** Compare-and-set: a version string means "only if the entry is at this version"; `null` means "only if absent". */
  ifVersion?: string | null;
  metadata?: Metadata;
}

export interface DeleteOptions {
  /** Only delete if the entry is at this version. */
  ifVersion?: string;
}

/**
 * What a store promises beyond the shared contract. Absent means `{ compareAndSet: 'atomic' }`.
 *
 * @example
 * const capabilities: SecretStoreCapabilities = { compareAndSet: 'best-effort' };
 */
export interface SecretStoreCapabilities {
  /**
   * `'atomic'`: the service itself checks `ifVersion` as it writes, so of writers racing with the
   * same version exactly one wins. `'best-effort'`: the service has no conditional write, so the
   * store checks the version one request before writing: a stale version still conflicts and changes
   * nothing, but writers racing inside that window can all succeed (the last write wins).
   * RotationManager then relies on its StateStore lock, which keeps a second writer out.
   */
  compareAndSet: 'atomic' | 'best-effort';
}

/**
 * Where token values live. Implement this to plug in your own vault; prove it with
 * `secretStoreConformance` from `edenai-token-manager/testing`.
 */
export interface SecretStore {
  /** What this store guarantees; absent means atomic compare-and-set. */
  readonly capabilities?: SecretStoreCapabilities;
  get(key: string): Promise<StoredSecret | undefined>;
  /** Throws `VersionConflictError` when `ifVersion` does not match. */
  set(key: string, value: Secret | string, options?: WriteOptions): Promise<{ version: string }>;
  /** Returns whether an entry was deleted. Throws `VersionConflictError` when `ifVersion` does not match. */
  delete(key: string, options?: DeleteOptions): Promise<boolean>;
  /** Keys, sorted, optionally only those starting with `prefix`. */
  list(prefix?: string): Promise<string[]>;
  /**
   * Optional, for stores that keep earlier values (versions, a previous-value field): removes or
   * disables every earlier value of `key`, keeping the current one. Called once the previous token
   * generation is revoked, so that no stored version holds a revoked value.
   */
  forgetPrevious?(key: string): Promise<void>;
  /** Releases handles/connections. Optional. */
  dispose?(): Promise<void>;
}

export interface StoredState<T extends JsonValue = JsonValue> {
  value: T;
  version: string;
}

/**
 * Non-secret JSON state shared by the managers: rotation journals, locks, alert dedupe marks.
 * Same compare-and-set contract as `SecretStore`; prove an adapter with `stateStoreConformance`.
 */
export interface StateStore {
  get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined>;
  /** Throws `VersionConflictError` when `ifVersion` does not match. */
  set(key: string, value: JsonValue, options?: Pick<WriteOptions, 'ifVersion'>): Promise<{ version: string }>;
  delete(key: string, options?: DeleteOptions): Promise<boolean>;
  list(prefix?: string): Promise<string[]>;
  dispose?(): Promise<void>;
}
