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
 * Where token values live. Implement this to plug in your own vault; prove it with
 * `secretStoreConformance` from `edenai-token-manager/testing`.
 */
export interface SecretStore {
  get(key: string): Promise<StoredSecret | undefined>;
  /** Throws `VersionConflictError` when `ifVersion` does not match. */
  set(key: string, value: Secret | string, options?: WriteOptions): Promise<{ version: string }>;
  /** Returns whether an entry was deleted. Throws `VersionConflictError` when `ifVersion` does not match. */
  delete(key: string, options?: DeleteOptions): Promise<boolean>;
  /** Keys, sorted, optionally only those starting with `prefix`. */
  list(prefix?: string): Promise<string[]>;
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
