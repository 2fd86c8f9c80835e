// The `edenai-token-manager/vault` entry: a SecretStore on HashiCorp Vault / OpenBao KV v2.
// Plain HTTP: no extra dependency.
export { VaultKvStore, type VaultKvStoreOptions } from './store.js';
