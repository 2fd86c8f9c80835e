// Runs examples/fleet-stores.ts as a user would, its environment pointing at the fake AWS
// Secrets Manager, the fake Vault, a real redis-server and the fake Eden AI server.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFakeAwsSecretsManager,
  type FakeAwsSecretsManager,
} from '../fixtures/fake-aws-secrets-manager.js';
import { createFakeVault, type FakeVault } from '../fixtures/fake-vault.js';
import { hasRedisServer, type RedisServer, startRedisServer } from '../fixtures/redis-server.js';

const script = fileURLToPath(new URL('../../examples/fleet-stores.ts', import.meta.url));
const available = hasRedisServer();

describe.skipIf(!available)('examples/fleet-stores.ts', () => {
  let aws: FakeAwsSecretsManager;
  let vault: FakeVault;
  let redis: RedisServer;
  let eden: FakeEdenAI;
  beforeAll(async () => {
    [aws, vault, redis, eden] = await Promise.all([
      createFakeAwsSecretsManager(),
      createFakeVault({ tokens: { 'hvs.example-token': 'write' } }),
      startRedisServer(),
      createFakeEdenAI({ listen: true }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([aws?.close(), vault?.close(), redis?.stop(), eden?.close()]);
  });

  it('wires each store in a few lines and rotates through them, printing no value', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        EDENAI_API_KEY: eden.apiKey,
        EDENAI_BASE_URL: eden.baseUrl,
        AWS_ENDPOINT_URL: aws.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: aws.accessKeyId,
        AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
        VAULT_ADDR: vault.address,
        VAULT_TOKEN: 'hvs.example-token',
        REDIS_URL: redis.url,
      },
    });
    expect(stdout).toMatch(
      /^aws: prod-web-app-aws rotated to prod-web-app-aws--g2; edenai\/prod-web-app-aws holds \[secret fp:[0-9a-f]{8}\]$/m,
    );
    expect(stdout).toMatch(
      /^vault: prod-web-app-vault rotated to prod-web-app-vault--g2; .* holds \[secret fp:/m,
    );
    for (const token of eden.tokens()) expect(stdout).not.toContain(eden.tokenValue(token.name));
    expect(stdout).not.toContain('hvs.example-token');

    // The values really live in the stores: the current entries hold the new generations.
    const awsCurrent = [...aws.secrets.get('edenai/prod-web-app-aws')!.versions.values()].find((v) =>
      v.stages.has('AWSCURRENT'),
    );
    expect(JSON.parse(awsCurrent!.text).value).toBe(eden.tokenValue('prod-web-app-aws--g2'));
    const vaultKey = vault.keys('secret').get('edenai/prod-web-app-vault')!;
    expect(vaultKey.versions.get(vaultKey.current)?.data?.['value']).toBe(
      eden.tokenValue('prod-web-app-vault--g2'),
    );
  });
});
