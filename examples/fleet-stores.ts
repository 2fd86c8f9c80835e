// Production stores for a fleet of services, a few lines each: token values in AWS Secrets
// Manager, HashiCorp Vault, Azure Key Vault, Google Secret Manager or Kubernetes Secrets, rotation
// journals and locks in Redis, so any number of processes (cron jobs, admin scripts, services) can
// rotate safely at the same time.
//
// Run against real services (configuration comes from the usual environment variables):
//   EDENAI_API_KEY=…  AWS_REGION=eu-west-1  VAULT_ADDR=https://vault:8200  VAULT_TOKEN=…  REDIS_URL=redis://redis:6379 \
//   node --import tsx examples/fleet-stores.ts
// Azure Key Vault, Google Secret Manager and Kubernetes join in when AZURE_KEYVAULT_URL,
// GOOGLE_CLOUD_PROJECT or KUBECONFIG is set (credentials from each platform's usual chain).
// In your project, import from 'edenai-token-manager', 'edenai-token-manager/aws', '…/vault',
// '…/azure', '…/gcp', '…/kubernetes' and '…/redis'.
import { pathToFileURL } from 'node:url';
import {
  CustomTokenClient,
  RotationManager,
  type SecretStore,
  type StateStore,
  TokenRegistry,
} from 'edenai-token-manager';
import { AwsSecretsManagerStore } from 'edenai-token-manager/aws';
import { AzureKeyVaultStore, type AzureKeyVaultStoreOptions } from 'edenai-token-manager/azure';
import { GoogleSecretManagerStore, type GoogleSecretManagerStoreOptions } from 'edenai-token-manager/gcp';
import { KubernetesSecretStore, type KubernetesSecretStoreOptions } from 'edenai-token-manager/kubernetes';
import { RedisStateStore } from 'edenai-token-manager/redis';
import { VaultKvStore } from 'edenai-token-manager/vault';

// The registry's secret refs already start with "edenai/" (`prod-web-app` → `edenai/prod-web-app`),
// so the stores add no prefix of their own here.

/** Token values in AWS Secrets Manager: region and credentials from the standard AWS chain. */
export const awsSecrets = () => new AwsSecretsManagerStore({ prefix: '', recoveryWindowDays: 7 });

/** Token values in Vault's KV v2 engine at `secret/`: address and token from VAULT_ADDR, VAULT_TOKEN. */
export const vaultSecrets = () => new VaultKvStore({ mount: 'secret', pathPrefix: '' });

/**
 * Token values in Azure Key Vault (`edenai/prod-web-app` is the secret `edenai--prod-web-app`),
 * signed in with DefaultAzureCredential (managed identity, workload identity, az login…).
 */
export const azureSecrets = (options: Partial<AzureKeyVaultStoreOptions> = {}) =>
  new AzureKeyVaultStore({ vaultUrl: process.env['AZURE_KEYVAULT_URL'], ...options });

/** Token values in Google Secret Manager, in GOOGLE_CLOUD_PROJECT, with Application Default Credentials. */
export const gcpSecrets = (options: GoogleSecretManagerStoreOptions = {}) =>
  new GoogleSecretManagerStore(options);

/**
 * Token values in Kubernetes Secrets of the kubeconfig's namespace (in a pod: its service account's),
 * where pods read them: `prod-web-app` is the Secret `edenai.prod-web-app`, key `value`.
 */
export const kubernetesSecrets = (options: KubernetesSecretStoreOptions = {}) =>
  new KubernetesSecretStore(options);

/** Journals and locks in Redis; a crashed holder's lock key also expires on its own after an hour. */
export const redisState = () =>
  new RedisStateStore({ redis: process.env['REDIS_URL'], ttlByPrefix: { 'rotation/lock/': 3_600_000 } });

const environments = {
  prod: {
    tokenType: 'api_token' as const,
    budget: { default: 50, max: 500 },
    expiry: { required: true, defaultDays: 90, maxDays: 180 },
  },
};

/** Creates `prod-{app}` with its value in `secrets`, then rotates it with `state` coordinating. */
export async function createAndRotate(app: string, secrets: SecretStore, state: StateStore) {
  const registry = new TokenRegistry({
    backend: new CustomTokenClient({ baseUrl: process.env['EDENAI_BASE_URL'] }), // key: EDENAI_API_KEY
    secrets,
    environments,
  });
  const token = await registry.create({ environment: 'prod', app });
  const rotation = new RotationManager({ registry, state, gracePeriodMs: 0 });
  const result = await rotation.rotate(token.name);
  const current = await secrets.get(token.secretRef);
  return { name: token.name, secretRef: token.secretRef, now: result.newTokenName, value: current?.value };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const state = redisState();
  const stores: Record<string, SecretStore> = { aws: awsSecrets(), vault: vaultSecrets() };
  if (process.env['AZURE_KEYVAULT_URL']) stores['azure'] = azureSecrets();
  if (process.env['GOOGLE_CLOUD_PROJECT']) stores['gcp'] = gcpSecrets();
  if (process.env['KUBECONFIG']) stores['kubernetes'] = kubernetesSecrets();
  try {
    for (const [kind, secrets] of Object.entries(stores)) {
      const r = await createAndRotate(`web-app-${kind}`, secrets, state);
      // `value` is a Secret: it prints redacted ([secret fp:…]).
      console.log(`${kind}: ${r.name} rotated to ${r.now}; ${r.secretRef} holds ${r.value}`);
    }
  } finally {
    await Promise.all([state.dispose(), ...Object.values(stores).map((store) => store.dispose?.())]);
  }
}
