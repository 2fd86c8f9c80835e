// The `edenai-token-manager/vault` entry: a SecretStore on HashiCorp Vault / OpenBao KV v2.
// Plain HTTP: no extra dependency.
export type { VaultKvStoreOptions } from './options.js';
export { VaultKvStore } from './store.js';
