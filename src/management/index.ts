// Eden AI's v3 Management API: the low-level client (keys by id) and its TokenBackend adapter.

export { ManagementKeyBackend, type ManagementKeyBackendOptions } from './backend.js';
export { ManagementKeyClient } from './client.js';
export { ManagementKeyList } from './key-list.js';
export {
  DEFAULT_MANAGEMENT_BASE_URL,
  MANAGEMENT_KEY_ENV,
  type ManagementKeyClientOptions,
} from './options.js';
export type {
  CreateManagementKeyInput,
  ListKeysOptions,
  ManagementKey,
  ManagementKeyPatch,
  ManagementKeyWithSecret,
  ManagementUsageQuery,
  ManagementWhoami,
} from './types.js';
export { MAX_USAGE_RANGE_DAYS } from './usage-query.js';
