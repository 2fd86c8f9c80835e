// The `edenai-token-manager/aws` entry: a SecretStore on AWS Secrets Manager.
// Its SDK (@aws-sdk/client-secrets-manager) is an optional peer dependency, loaded on first use.
export { AwsSecretsManagerStore, type AwsSecretsManagerStoreOptions } from './store.js';
