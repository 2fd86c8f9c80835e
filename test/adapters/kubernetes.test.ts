import { KubeConfig } from '@kubernetes/client-node';
import {
  AuthenticationError,
  ConfigurationError,
  InvalidInputError,
  MemoryStateStore,
  PermissionDeniedError,
  type SecretStore,
  VersionConflictError,
} from 'edenai-token-manager';
import { KubernetesSecretStore, type KubernetesSecretStoreOptions } from 'edenai-token-manager/kubernetes';
import { createFakeEdenAI, secretStoreConformance } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAndRotate, kubernetesSecrets } from '../../examples/fleet-stores.js';
import { loadKubernetesSdk } from '../../src/stores/kubernetes/api.js';
import { createFakeKubernetes, type FakeKubernetes, Status } from '../fixtures/fake-kubernetes.js';

let fake: FakeKubernetes;
let run = 0;
beforeAll(async () => {
  fake = await createFakeKubernetes({ pageLimitMax: 3 });
});
afterAll(() => fake.close());

const kubeConfig = (namespace = 'default', token?: string) => {
  const config = new KubeConfig();
  const text = fake.kubeconfig(namespace);
  config.loadFromString(token ? text.replace(fake.token, token) : text);
  return config;
};

/** A store in its own namespace of the shared fake, so tests never see each other's Secrets. */
const store = (options: KubernetesSecretStoreOptions = {}) =>
  new KubernetesSecretStore({ kubeConfig: kubeConfig(`t${++run}`), ...options });

const VALUE = 'tok_live_k8s_5e1b7a';

secretStoreConformance({ name: 'KubernetesSecretStore', create: () => store(), describe, it });
secretStoreConformance({
  name: 'KubernetesSecretStore (prefix)',
  create: () => store({ prefix: 'tokens.' }),
  describe,
  it,
});

describe('KubernetesSecretStore on the wire', () => {
  it('one labelled Secret per key: the value under `value`, metadata and key as annotations', async () => {
    const s = store();
    const { version } = await s.set('edenai/prod-web-app', VALUE, { metadata: { generation: 2 } });
    const secret = fake.secrets.get(`t${run}/edenai.prod-web-app`)!;
    expect(secret.metadata.resourceVersion).toBe(version);
    expect(secret.type).toBe('Opaque');
    expect(secret.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'edenai-token-manager' });
    expect(secret.metadata.annotations).toEqual({
      'edenai-token-manager/key': 'edenai/prod-web-app',
      'edenai-token-manager/metadata': '{"generation":2}',
    });
    expect(fake.data(`t${run}`, 'edenai.prod-web-app')).toEqual({ value: VALUE });
    expect(s.secretName('edenai/prod-web-app')).toBe('edenai.prod-web-app');
  });

  it('keys that are not plain lowercase names get a readable slug and a hash', () => {
    const s = store({ prefix: 'x-' });
    expect(s.secretName('edenai/prod-web-app.pending')).toMatch(
      /^x-edenai\.prod-web-app-pending--[0-9a-f]{20}$/,
    );
    expect(s.secretName('prod/ключ-🔑-名前')).toMatch(/^x-prod--[0-9a-f]{20}$/);
    expect(s.secretName('Prod/App')).not.toBe(s.secretName('prod/app'));
    expect(s.secretName('prod-x')).not.toBe(s.secretName('prod/x'));
    expect(s.secretName('a'.repeat(300))).toHaveLength(253);
    expect(s.secretName('a'.repeat(300))).not.toBe(s.secretName('a'.repeat(301)));
  });

  it('a write keeps the replaced value under `previous` until forgetPrevious()', async () => {
    const s = store();
    const ns = `t${run}`;
    await s.set('edenai/prod-web-app', 'generation-1');
    const { version } = await s.set('edenai/prod-web-app', 'generation-2');
    expect(fake.data(ns, 'edenai.prod-web-app')).toEqual({ value: 'generation-2', previous: 'generation-1' });
    expect((await s.get('edenai/prod-web-app'))?.version).toBe(version);
    // The same value written again (a rotation that took over does) keeps the history as it is.
    const { version: again } = await s.set('edenai/prod-web-app', 'generation-2', { ifVersion: version });
    expect(again).not.toBe(version);
    expect(fake.data(ns, 'edenai.prod-web-app')).toEqual({ value: 'generation-2', previous: 'generation-1' });
    await s.forgetPrevious('edenai/prod-web-app');
    expect(fake.data(ns, 'edenai.prod-web-app')).toEqual({ value: 'generation-2' });
    expect((await s.get('edenai/prod-web-app'))?.value.reveal()).toBe('generation-2');
    const mark = fake.requests.length;
    await s.forgetPrevious('edenai/prod-web-app'); // nothing to forget: one read, no write
    await s.forgetPrevious('missing');
    expect(fake.requests.slice(mark).map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('keeps labels and annotations added by other tools', async () => {
    const s = store();
    const ns = `t${run}`;
    await s.set('app', 'one');
    const secret = fake.secrets.get(`${ns}/app`)!;
    secret.metadata.labels!['team'] = 'payments';
    secret.metadata.annotations!['reloader.stakater.com/match'] = 'true';
    await s.set('app', 'two');
    expect(fake.secrets.get(`${ns}/app`)!.metadata.labels).toMatchObject({ team: 'payments' });
    expect(fake.secrets.get(`${ns}/app`)!.metadata.annotations).toMatchObject({
      'reloader.stakater.com/match': 'true',
    });
  });

  it('compare-and-set is the API server’s resourceVersion check: a write slipped in makes it conflict', async () => {
    const s = store();
    const other = new KubernetesSecretStore({ kubeConfig: kubeConfig(`t${run}`) });
    const v1 = (await s.set('k', 'one')).version;
    let slipped: string | undefined;
    fake.before = async (method) => {
      if (method === 'PUT') {
        fake.before = undefined;
        slipped = (await other.set('k', 'from-the-other-writer')).version;
      }
    };
    const error = await s.set('k', 'mine', { ifVersion: v1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ expected: v1, actual: slipped });
    expect((await s.get('k'))?.value.reveal()).toBe('from-the-other-writer');
    // Our replace carried the version we expected; the API server refused it.
    const mine = Buffer.from('mine').toString('base64');
    const ours = fake.requests.find((r) => r.method === 'PUT' && JSON.stringify(r.body).includes(mine))!;
    expect((ours.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion).toBe(v1);
  });

  it('a delete with ifVersion sends a resourceVersion precondition', async () => {
    const s = store();
    const { version } = await s.set('k', 'one');
    await s.delete('k', { ifVersion: version });
    const del = fake.requests.filter((r) => r.method === 'DELETE').at(-1)!;
    expect(del.body).toMatchObject({ preconditions: { resourceVersion: version } });
  });

  it('list pages through the labelled Secrets only', async () => {
    const s = store();
    const ns = `t${run}`;
    for (const key of ['a', 'b', 'c', 'd', 'e']) await s.set(key, VALUE);
    fake.secrets.set(`${ns}/unrelated`, {
      metadata: { name: 'unrelated', namespace: ns, uid: 'u', resourceVersion: '1', creationTimestamp: '' },
      type: 'Opaque',
      data: { value: Buffer.from('x').toString('base64') },
    });
    await new KubernetesSecretStore({ kubeConfig: kubeConfig(ns), prefix: 'other.' }).set('f', VALUE);
    expect(await s.list()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fake.requests.filter((r) => r.path.includes('continue=')).length).toBeGreaterThan(0);
  });

  it('refuses data over 1 MiB before sending it, the value and the previous one together', async () => {
    const s = store();
    await s.set('k', 'x'.repeat(600_000));
    const mark = fake.requests.length;
    await expect(s.set('k', 'y'.repeat(600_000))).rejects.toBeInstanceOf(InvalidInputError);
    expect(fake.requests.slice(mark).map((r) => r.method)).toEqual(['GET']);
    expect((await s.get('k'))?.value.reveal()).toHaveLength(600_000);
  });

  it('reports API errors with the Secret and key, never the value', async () => {
    const denied = new KubernetesSecretStore({ kubeConfig: kubeConfig('t-auth', 'wrong-token') });
    const error = await denied.set('k', VALUE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String(error)).toContain('Secret "k"');
    expect(String(error)).not.toContain(VALUE);
    const s = store();
    fake.before = (method) => {
      fake.before = undefined;
      if (method === 'GET') throw new Error('unreachable');
    };
    // A non-Status failure of the fake closes the socket: a connection error.
    await expect(s.get('k')).rejects.toMatchObject({ name: 'APIConnectionError' });
  });

  it('maps 403 to PermissionDeniedError with the RBAC it needs', async () => {
    const s = store();
    fake.before = () => {
      fake.before = undefined;
      throw new Status(
        403,
        'Forbidden',
        'secrets "k" is forbidden: User "system:serviceaccount:ci:app" cannot get resource "secrets"',
      );
    };
    const error = await s.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(String(error)).toContain('get, list, create, update and delete on secrets');
  });

  it('uses the kubeconfig context’s namespace, or the one given', async () => {
    const inContext = new KubernetesSecretStore({ kubeConfig: kubeConfig('from-context') });
    await inContext.set('k', VALUE);
    expect(fake.secrets.has('from-context/k')).toBe(true);
    const explicit = new KubernetesSecretStore({
      kubeConfig: kubeConfig('from-context'),
      namespace: 'given',
    });
    await explicit.set('k', VALUE);
    expect(fake.secrets.has('given/k')).toBe(true);
  });

  it('validates its options', () => {
    expect(() => new KubernetesSecretStore({ prefix: 'Bad_' })).toThrow(ConfigurationError);
    expect(() => new KubernetesSecretStore({ namespace: 'Not Valid' })).toThrow(ConfigurationError);
    expect(() => new KubernetesSecretStore({ kubeConfig: {} as KubeConfig })).toThrow(ConfigurationError);
    expect(() => new KubernetesSecretStore({ nope: 1 } as KubernetesSecretStoreOptions)).toThrow(
      /Unknown KubernetesSecretStore option "nope"/,
    );
    expect(new KubernetesSecretStore().capabilities).toEqual({ compareAndSet: 'atomic' });
  });

  it('a kubeconfig that cannot be loaded is a ConfigurationError', async () => {
    vi.stubEnv('KUBECONFIG', '/nonexistent/kubeconfig');
    try {
      await expect(new KubernetesSecretStore().get('k')).rejects.toThrow(
        /KubernetesSecretStore could not load a kubeconfig/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a missing @kubernetes/client-node is a ConfigurationError that says what to install', async () => {
    const missing = Object.assign(new Error('Cannot find package'), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(loadKubernetesSdk(() => Promise.reject(missing))).rejects.toThrow(
      'npm install @kubernetes/client-node',
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

it('rotates a token through Kubernetes Secrets, wired as examples/fleet-stores.ts does', async () => {
  const secrets = kubernetesSecrets({ kubeConfig: kubeConfig('rotation') });
  const r = await rotateThrough('web-app', secrets);
  expect(r.now).toBe('prod-web-app--g2');
  expect(r.value?.reveal()).toBe(r.current);
  // Pods read the Secret edenai.prod-web-app, key `value`; finishing the rotation called
  // forgetPrevious(), so the revoked generation's value is no longer kept under `previous`.
  expect(fake.data('rotation', 'edenai.prod-web-app')).toEqual({ value: r.current });
});
