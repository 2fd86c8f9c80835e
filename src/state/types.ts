import type { JsonValue } from 'type-fest';
import type { DeleteOptions, WriteOptions } from '../secrets/types.js';

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
