// The `edenai-token-manager/azure` entry: a SecretStore on Azure Key Vault.
// Its SDKs (@azure/keyvault-secrets, and @azure/identity for the default credential) are optional
// peer dependencies, loaded on first use.
export { AzureKeyVaultStore, type AzureKeyVaultStoreOptions } from './store.js';
