import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import {
  AuthenticationError,
  ConfigurationError,
  InvalidInputError,
  MemoryStateStore,
  PermissionDeniedError,
  type SecretStore,
  VersionConflictError,
} from 'edenai-token-manager';
import { GoogleSecretManagerStore, type GoogleSecretManagerStoreOptions } from 'edenai-token-manager/gcp';
import { createFakeEdenAI, secretStoreConformance } from 'edenai-token-manager/testing';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAndRotate, gcpSecrets } from '../../examples/fleet-stores.js';
import { loadGoogleSdk } from '../../src/stores/gcp/api.js';
import {
  createFakeGcpSecretManager,
  type FakeGcpSecretManager,
  GoogleApiError,
} from '../fixtures/fake-gcp-secret-manager.js';

let fake: FakeGcpSecretManager;
let run = 0;
beforeAll(async () => {
  fake = await createFakeGcpSecretManager({ pageSizeMax: 3 });
});
afterAll(() => fake.close());

/** The real client in REST mode against the fake, authenticated with a ready access token. */
const clientOptions = (accessToken = fake.accessToken) => {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: accessToken, expiry_date: Date.now() + 3_600_000 });
  return { fallback: true, apiEndpoint: fake.host, port: fake.port, protocol: 'http', authClient };
};

/** A store on its own prefix of the shared fake, so tests never see each other's secrets. */
const store = (options: GoogleSecretManagerStoreOptions = {}) =>
  new GoogleSecretManagerStore({
    projectId: fake.projectId,
    clientOptions: clientOptions(),
    prefix: `t${++run}_`,
    ...options,
  });

const VALUE = 'tok_live_gcp_9c4e1d';
const versionsOf = (id: string) => fake.secrets.get(id)?.versions ?? [];

secretStoreConformance({
  name: 'GoogleSecretManagerStore',
  create: () => store(),
  describe,
  it,
  compareAndSet: 'best-effort',
  largeValueSize: 60_000,
});

describe('GoogleSecretManagerStore on the wire', () => {
  it('one labelled secret per key, each write a version holding the bare value', async () => {
    const s = store({ locations: ['europe-west1'] });
    const id = `${s.prefix}edenai__prod-web-app`;
    const v1 = (await s.set('edenai/prod-web-app', 'generation-1')).version;
    const v2 = (await s.set('edenai/prod-web-app', VALUE, { metadata: { generation: 2 } })).version;
    const secret = fake.secrets.get(id)!;
    expect(secret.labels).toEqual({ 'managed-by': 'edenai-token-manager' });
    expect(secret.replication).toEqual({ userManaged: { replicas: [{ location: 'europe-west1' }] } });
    expect(secret.versions.map((v) => v.data?.toString())).toEqual(['generation-1', VALUE]);
    expect(JSON.parse(secret.annotations['edenai-token-manager-metadata']!)).toEqual({
      version: 2,
      metadata: { generation: 2 },
    });
    expect(v1).toMatch(/^1@\d+\.\d+$/);
    expect(v2).toMatch(/^2@\d+\.\d+$/);
    expect(await s.get('edenai/prod-web-app')).toMatchObject({ version: v2, metadata: { generation: 2 } });
  });

  it('keeps history until forgetPrevious(), which destroys every version but the current one', async () => {
    const s = store();
    const id = `${s.prefix}k`;
    for (const value of ['one', 'two', 'three']) await s.set('k', value);
    expect(versionsOf(id).map((v) => v.state)).toEqual(['ENABLED', 'ENABLED', 'ENABLED']);
    await s.forgetPrevious('k');
    expect(versionsOf(id).map((v) => v.state)).toEqual(['DESTROYED', 'DESTROYED', 'ENABLED']);
    expect(versionsOf(id).map((v) => v.data?.toString())).toEqual([undefined, undefined, 'three']);
    expect((await s.get('k'))?.value.reveal()).toBe('three');
    await s.forgetPrevious('k');
    await s.forgetPrevious('missing');
  });

  it('a compare-and-set write that loses the race disables its version and conflicts', async () => {
    const s = store();
    const other = store({ prefix: s.prefix });
    const v1 = (await s.set('k', 'one')).version;
    let slipped: string | undefined;
    fake.before = async (method, path) => {
      if (method === 'POST' && path.endsWith(':addVersion')) {
        fake.before = undefined;
        slipped = (await other.set('k', 'from-the-other-writer')).version;
      }
    };
    const error = await s.set('k', 'mine', { ifVersion: v1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ expected: v1, actual: slipped });
    expect(versionsOf(`${s.prefix}k`).map((v) => [v.data?.toString(), v.state])).toEqual([
      ['one', 'ENABLED'],
      ['from-the-other-writer', 'ENABLED'],
      ['mine', 'DISABLED'],
    ]);
    // `latest` is the disabled loser: readers go back to the newest enabled version.
    const entry = await s.get('k');
    expect(entry?.value.reveal()).toBe('from-the-other-writer');
    expect(entry?.version).toBe(slipped);
    expect((await s.set('k', 'next', { ifVersion: slipped })).version).toMatch(/^4@/);
  });

  it('a secret deleted and created again never repeats a version', async () => {
    const s = store();
    const first = (await s.set('k', 'one')).version;
    await s.delete('k');
    const second = (await s.set('k', 'one')).version;
    expect(first.split('@')[0]).toBe('1');
    expect(second.split('@')[0]).toBe('1');
    expect(second).not.toBe(first);
  });

  it('refuses values over 64 KiB before sending them', async () => {
    const s = store();
    const mark = fake.requests.length;
    await expect(s.set('k', 'x'.repeat(65_537))).rejects.toBeInstanceOf(InvalidInputError);
    expect(fake.requests.length).toBe(mark);
  });

  it('list pages through the labelled secrets of the prefix only', async () => {
    const s = store();
    for (const key of ['a', 'b/c', 'd', 'e']) await s.set(key, VALUE);
    fake.secrets.set(`${s.prefix}foreign`, {
      ...fake.secrets.get(`${s.prefix}a`)!,
      id: `${s.prefix}foreign`,
      labels: {},
    });
    expect(await s.list()).toEqual(['a', 'b/c', 'd', 'e']);
    expect(await s.list('b/')).toEqual(['b/c']);
    expect(fake.requests.some((r) => r.path.includes('pageToken='))).toBe(true);
  });

  it('reports errors with the operation and key, never the value', async () => {
    const denied = new GoogleSecretManagerStore({
      projectId: fake.projectId,
      clientOptions: clientOptions('ya29.wrong-token'),
    });
    const error = await denied.set('k', VALUE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String(error)).toContain('"k"');
    expect(String(error)).not.toContain(VALUE);
    const otherProject = new GoogleSecretManagerStore({
      projectId: 'not-my-project',
      clientOptions: clientOptions(),
    });
    await expect(otherProject.get('k')).rejects.toBeInstanceOf(PermissionDeniedError);
    const s = store();
    fake.before = () => {
      fake.before = undefined;
      throw new GoogleApiError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded');
    };
    await expect(s.list()).rejects.toMatchObject({ name: 'RateLimitError' });
  });

  it('uses a client you pass, and leaves it open on dispose()', async () => {
    const client = new SecretManagerServiceClient(clientOptions());
    const s = new GoogleSecretManagerStore({ projectId: fake.projectId, client, prefix: `t${++run}_` });
    await s.set('k', VALUE);
    await s.dispose();
    const [secret] = await client.getSecret({ name: `projects/${fake.projectId}/secrets/${s.prefix}k` });
    expect(secret.labels).toEqual({ 'managed-by': 'edenai-token-manager' });
    await client.close();
  });

  it('validates its options', () => {
    expect(() => new GoogleSecretManagerStore({ prefix: 'bad/prefix' })).toThrow(ConfigurationError);
    expect(() => new GoogleSecretManagerStore({ projectId: 'Bad Project' })).toThrow(ConfigurationError);
    expect(() => new GoogleSecretManagerStore({ locations: [] })).toThrow(ConfigurationError);
    expect(() => new GoogleSecretManagerStore({ client: {} as SecretManagerServiceClient })).toThrow(
      ConfigurationError,
    );
    expect(() => new GoogleSecretManagerStore({ nope: 1 } as GoogleSecretManagerStoreOptions)).toThrow(
      /Unknown GoogleSecretManagerStore option "nope"/,
    );
    expect(new GoogleSecretManagerStore().capabilities).toEqual({ compareAndSet: 'best-effort' });
  });

  it('a missing @google-cloud/secret-manager is a ConfigurationError that says what to install', async () => {
    const missing = Object.assign(new Error('Cannot find package'), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadGoogleSdk(() => Promise.reject(missing))).rejects.toThrow(
      'npm install @google-cloud/secret-manager',
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

it('rotates a token through Google Secret Manager, wired as examples/fleet-stores.ts does', async () => {
  const secrets = gcpSecrets({
    projectId: fake.projectId,
    clientOptions: clientOptions(),
    prefix: 'rotation_',
  });
  const r = await rotateThrough('web-app', secrets);
  expect(r.value?.reveal()).toBe(r.current);
  const versions = () => versionsOf('rotation_edenai__prod-web-app').map((v) => v.data?.toString());
  // Finishing the rotation called forgetPrevious(): the revoked generation's version is destroyed.
  expect(versions()).toEqual([undefined, r.current]);
  await secrets.dispose();
});
