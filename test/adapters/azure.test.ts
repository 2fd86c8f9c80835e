import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  AuthenticationError,
  ConfigurationError,
  InvalidInputError,
  MemoryStateStore,
  PermissionDeniedError,
  type SecretStore,
  VersionConflictError,
} from 'edenai-token-manager';
import { AzureKeyVaultStore, type AzureKeyVaultStoreOptions } from 'edenai-token-manager/azure';
import { createFakeEdenAI, secretStoreConformance } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { azureSecrets, createAndRotate } from '../../examples/fleet-stores.js';
import { type AzureIdentity, MISSING_IDENTITY } from '../../src/stores/azure/api.js';
import { loadOptional } from '../../src/stores/optional.js';
import {
  createFakeAzureKeyVault,
  type FakeAzureKeyVault,
  KeyVaultError,
} from '../fixtures/fake-azure-keyvault.js';

let fake: FakeAzureKeyVault;
let run = 0;
beforeAll(async () => {
  fake = await createFakeAzureKeyVault({ pageSize: 3 });
});
afterAll(() => fake.close());

// Plain HTTP on loopback, and a challenge naming vault.azure.net rather than 127.0.0.1.
const clientOptions = {
  allowInsecureConnection: true,
  disableChallengeResourceVerification: true,
  retryOptions: { maxRetries: 0 },
};

/** A store on its own prefix of the shared fake, so tests never see each other's secrets. */
const store = (options: AzureKeyVaultStoreOptions = {}) =>
  new AzureKeyVaultStore({
    vaultUrl: fake.vaultUrl,
    credential: fake.credential,
    clientOptions,
    prefix: `t${++run}-`,
    pollIntervalMs: 0,
    ...options,
  });

const VALUE = 'tok_live_azure_3a8f2b';
const versionsOf = (name: string) => fake.secrets.get(name.toLowerCase())?.versions ?? [];

secretStoreConformance({
  name: 'AzureKeyVaultStore',
  create: () => store(),
  describe,
  it,
  compareAndSet: 'best-effort',
  largeValueSize: 25_000,
});
secretStoreConformance({
  name: "AzureKeyVaultStore (deleteMode: 'purge')",
  create: () => store({ deleteMode: 'purge' }),
  describe,
  it,
  compareAndSet: 'best-effort',
  largeValueSize: 25_000,
});

describe('AzureKeyVaultStore on the wire', () => {
  it('authenticates through the Key Vault challenge with the given credential', async () => {
    const s = store();
    const mark = fake.requests.length;
    await s.get('k');
    const first = fake.requests[mark]!;
    expect(first.authorized).toBe(false);
    expect(fake.requests[mark + 1]?.authorized).toBe(true);
    expect(fake.tokenRequests.at(-1)).toEqual({
      scopes: ['https://vault.azure.net/.default'],
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    });
  });

  it('one secret per key, each write a version holding the bare value, key and metadata in tags', async () => {
    const s = store();
    const name = `${s.prefix}edenai--prod-web-app`;
    expect(s.secretName('edenai/prod-web-app')).toBe(name);
    await s.set('edenai/prod-web-app', 'generation-1');
    const { version } = await s.set('edenai/prod-web-app', VALUE, {
      metadata: { tokenName: 'prod-web-app--g2', generation: 2, rotated: true, note: null },
    });
    const versions = versionsOf(name);
    expect(versions.map((v) => v.value)).toEqual(['generation-1', VALUE]);
    expect(versions[1]).toMatchObject({ id: version });
    expect(version).toMatch(/^[0-9a-f]{32}$/);
    expect(versions[1]!.tags).toEqual({
      'managed-by': 'edenai-token-manager',
      'edenai-key': 'edenai/prod-web-app',
      'edenai-meta-tokenName': '"prod-web-app--g2"',
      'edenai-meta-generation': '2',
      'edenai-meta-rotated': 'true',
      'edenai-meta-note': 'null',
    });
  });

  it('names: readable for plain keys, a slug and a hash otherwise, never equal ignoring case', () => {
    const s = store({ prefix: 'edenai-' });
    expect(s.secretName('prod-web-app')).toBe('edenai-prod-web-app');
    expect(s.secretName('edenai/prod-web-app.pending')).toMatch(
      /^edenai-edenai--prod-web-app-pending---[0-9a-f]{20}$/,
    );
    expect(s.secretName('Prod/App').toLowerCase()).not.toBe(s.secretName('prod/app').toLowerCase());
    expect(s.secretName('prod-x')).not.toBe(s.secretName('prod/x'));
    expect(s.secretName('a'.repeat(200)).length).toBeLessThanOrEqual(127);
  });

  it('keeps versions until forgetPrevious(), which disables all but the current one', async () => {
    const s = store();
    const name = s.secretName('k');
    for (const value of ['one', 'two', 'three']) await s.set('k', value);
    await s.forgetPrevious('k');
    expect(versionsOf(name).map((v) => [v.value, v.enabled])).toEqual([
      ['one', false],
      ['two', false],
      ['three', true],
    ]);
    expect((await s.get('k'))?.value.reveal()).toBe('three');
    // A disabled version's value cannot be read back through the SDK.
    const client = new SecretClient(fake.vaultUrl, fake.credential, clientOptions);
    await expect(client.getSecret(name, { version: versionsOf(name)[0]!.id })).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it('best-effort compare-and-set: a write that lands inside the window is overwritten', async () => {
    const s = store();
    const other = store({ prefix: s.prefix });
    const v1 = (await s.set('k', 'one')).version;
    let slipped: string | undefined;
    fake.before = async (method) => {
      if (method === 'PUT') {
        fake.before = undefined;
        slipped = (await other.set('k', 'from-the-other-writer', { ifVersion: v1 })).version;
      }
    };
    // Both writers checked v1 before either wrote: both succeed, the newest version wins.
    const mine = (await s.set('k', 'mine', { ifVersion: v1 })).version;
    expect(slipped).toBeDefined();
    expect(await s.get('k')).toMatchObject({ version: mine });
    // A write after a completed one still conflicts.
    await expect(s.set('k', 'stale', { ifVersion: v1 })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('a deleted secret stays recoverable; writing its key recovers it and disables the old versions', async () => {
    const s = store();
    const name = s.secretName('k');
    await s.set('k', 'old-value');
    expect(await s.delete('k')).toBe(true);
    expect(fake.secrets.get(name.toLowerCase())?.deleted).toBeDefined();
    expect(await s.get('k')).toBeUndefined();
    expect(await s.list()).toEqual([]);
    expect(await s.delete('k')).toBe(false);
    const { version } = await s.set('k', 'new-value', { ifVersion: null });
    expect(versionsOf(name).map((v) => [v.value, v.enabled])).toEqual([
      ['old-value', false],
      ['new-value', true],
    ]);
    expect(await s.get('k')).toMatchObject({ version });
  });

  it("deleteMode 'purge' frees the name at once; purge protection makes it an error", async () => {
    const s = store({ deleteMode: 'purge' });
    await s.set('k', VALUE);
    await s.delete('k');
    expect(fake.secrets.has(s.secretName('k').toLowerCase())).toBe(false);
    const protectedVault = await createFakeAzureKeyVault({ purgeProtection: true, deletePolls: 0 });
    try {
      const p = new AzureKeyVaultStore({
        vaultUrl: protectedVault.vaultUrl,
        credential: protectedVault.credential,
        clientOptions,
        deleteMode: 'purge',
        pollIntervalMs: 0,
      });
      await p.set('k', VALUE);
      await expect(p.delete('k')).rejects.toBeInstanceOf(PermissionDeniedError);
    } finally {
      await protectedVault.close();
    }
  });

  it('a write while someone else’s delete is still running waits for it, then recovers', async () => {
    const s = store();
    const name = s.secretName('k');
    await s.set('k', 'one');
    fake.secrets.get(name.toLowerCase())!.deleted = { date: 0, pollsLeft: 2 };
    await s.set('k', 'two');
    expect((await s.get('k'))?.value.reveal()).toBe('two');
  });

  it('refuses values over 25 KB and metadata a tag cannot hold, before sending anything', async () => {
    const s = store();
    const mark = fake.requests.length;
    await expect(s.set('k', 'x'.repeat(25 * 1024 + 1))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.set('k', VALUE, { metadata: { note: 'n'.repeat(300) } })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(fake.requests.length).toBe(mark);
  });

  it('list pages through the managed secrets of its prefix only', async () => {
    const s = store();
    for (const key of ['a', 'b/c', 'D', 'e']) await s.set(key, VALUE);
    await new SecretClient(fake.vaultUrl, fake.credential, clientOptions).setSecret(`${s.prefix}manual`, 'x');
    expect(await s.list()).toEqual(['D', 'a', 'b/c', 'e']);
    expect(await s.list('b/')).toEqual(['b/c']);
    expect(fake.requests.some((r) => r.path.includes('skiptoken'))).toBe(true);
  });

  it('reports errors with the operation and key, never the value', async () => {
    const s = store();
    fake.before = () => {
      fake.before = undefined;
      throw new KeyVaultError(
        403,
        'Forbidden',
        'The user does not have secrets set permission on key vault.',
      );
    };
    const denied = await s.set('k', VALUE).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(String(denied)).toContain('"k"');
    expect(String(denied)).toContain('Key Vault Secrets Officer');
    expect(String(denied)).not.toContain(VALUE);
    fake.before = () => {
      fake.before = undefined;
      throw new KeyVaultError(401, 'Unauthorized', 'AKV10032: Invalid issuer.');
    };
    await expect(s.get('k')).rejects.toBeInstanceOf(AuthenticationError);
    const failing = store({ credential: { getToken: () => Promise.reject(new Error('no token for you')) } });
    await expect(failing.get('k')).rejects.toMatchObject({ name: 'APIConnectionError' });
  });

  it('validates its options', () => {
    expect(() => new AzureKeyVaultStore()).toThrow(/needs `vaultUrl`/);
    expect(() => new AzureKeyVaultStore({ vaultUrl: fake.vaultUrl, prefix: '-bad' })).toThrow(
      ConfigurationError,
    );
    expect(() => new AzureKeyVaultStore({ vaultUrl: fake.vaultUrl, deleteMode: 'now' as 'purge' })).toThrow(
      ConfigurationError,
    );
    expect(() => new AzureKeyVaultStore({ vaultUrl: fake.vaultUrl, pollIntervalMs: -1 })).toThrow(
      ConfigurationError,
    );
    expect(() => new AzureKeyVaultStore({ client: {} as SecretClient })).toThrow(ConfigurationError);
    expect(
      () => new AzureKeyVaultStore({ vaultUrl: fake.vaultUrl, nope: 1 } as AzureKeyVaultStoreOptions),
    ).toThrow(/Unknown AzureKeyVaultStore option "nope"/);
    expect(new AzureKeyVaultStore({ vaultUrl: fake.vaultUrl }).capabilities).toEqual({
      compareAndSet: 'best-effort',
    });
  });

  it('uses a SecretClient you pass', async () => {
    const client = new SecretClient(fake.vaultUrl, fake.credential, clientOptions);
    const s = new AzureKeyVaultStore({ client, prefix: `t${++run}-` });
    await s.set('k', VALUE);
    expect((await client.getSecret(`${s.prefix}k`)).value).toBe(VALUE);
  });

  it('the default credential is DefaultAzureCredential; missing SDKs say what to install', async () => {
    const identity = await loadOptional<AzureIdentity>(() => import('@azure/identity'), MISSING_IDENTITY);
    expect(new identity.DefaultAzureCredential()).toBeInstanceOf(DefaultAzureCredential);
    const missing = Object.assign(new Error('Cannot find package'), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadOptional(() => Promise.reject(missing), MISSING_IDENTITY)).rejects.toThrow(
      'npm install @azure/identity, or pass `credential`',
    );
  });
});

/** Creates and rotates `prod-{app}` through `secrets`, as examples/fleet-stores.ts wires it. */
async function rotateThrough(app: string, secrets: SecretStore) {
  const eden = await createFakeEdenAI({ listen: true });
  vi.stubEnv('EDENAI_API_KEY', eden.apiKey);
  vi.stubEnv('EDENAI_BASE_URL', eden.baseUrl);
  try {
    const result = await createAndRotate(app, secrets, new MemoryStateStore());
    return { ...result, current: eden.tokenValue(result.now) };
  } finally {
    vi.unstubAllEnvs();
    await eden.close();
  }
}

it('rotates a token through Azure Key Vault, wired as examples/fleet-stores.ts does', async () => {
  const secrets = azureSecrets({
    vaultUrl: fake.vaultUrl,
    credential: fake.credential,
    clientOptions,
    prefix: 'rotation-',
    pollIntervalMs: 0,
  });
  const r = await rotateThrough('web-app', secrets);
  expect(r.value?.reveal()).toBe(r.current);
  const versions = () => versionsOf('rotation-edenai--prod-web-app').map((v) => [v.value, v.enabled]);
  // Finishing the rotation called forgetPrevious(): the version that held the revoked generation is
  // disabled (Key Vault cannot delete one version), the current one is not.
  expect(versions()).toEqual([
    [expect.stringMatching(/./), false],
    [r.current, true],
  ]);
  expect(versions()[0]![0]).not.toBe(r.current);
});
