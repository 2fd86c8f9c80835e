// The `edenai-token-manager/gcp` entry: a SecretStore on Google Secret Manager.
// Its client (@google-cloud/secret-manager) is an optional peer dependency, loaded on first use.
export { GoogleSecretManagerStore, type GoogleSecretManagerStoreOptions } from './store.js';
