// The `edenai-token-manager/kubernetes` entry: a SecretStore on Kubernetes Secrets.
// Its client (@kubernetes/client-node) is an optional peer dependency, loaded on first use.
export { KubernetesSecretStore, type KubernetesSecretStoreOptions } from './store.js';
