// The CLI on every store the package ships, from the config file: each store type's fields checked
// with errors at file:line:column, commands run end to end on the Vault, AWS, Kubernetes and Redis
// fakes, and the laziness that keeps a command which never touches a store from needing its SDK,
// token or URL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from 'edenai-token-manager';
import { AwsSecretsManagerStore } from 'edenai-token-manager/aws';
import { RedisStateStore } from 'edenai-token-manager/redis';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';
import { VaultKvStore } from 'edenai-token-manager/vault';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/cli/config.js';
import { run } from '../../src/cli/run.js';
import {
  createFakeAwsSecretsManager,
  type FakeAwsSecretsManager,
} from '../fixtures/fake-aws-secrets-manager.js';
import { createFakeKubernetes, type FakeKubernetes } from '../fixtures/fake-kubernetes.js';
import { createFakeVault, type FakeVault } from '../fixtures/fake-vault.js';
import { hasRedisServer, type RedisServer, startRedisServer } from '../fixtures/redis-server.js';
import { FAKE_VALUE, runCli } from './run-cli.js';

class TextSink {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

let dir: string;
let eden: FakeEdenAI;
let vault: FakeVault;
let aws: FakeAwsSecretsManager;
let kube: FakeKubernetes;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'etm-cli-stores-'));
  [eden, vault, aws, kube] = await Promise.all([
    createFakeEdenAI(),
    createFakeVault(),
    createFakeAwsSecretsManager(),
    createFakeKubernetes(),
  ]);
});
afterAll(async () => {
  await Promise.all([eden.close(), vault.close(), aws.close(), kube.close()]);
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

let runs = 0;
/** A fresh working directory holding `edenai-tokens.config.json`: `stores` first, then the real API (the listening fake). */
function workspace(stores: Record<string, unknown>, on = eden): string {
  const cwd = mkdtempSync(join(dir, `run${++runs}-`));
  const config = { ...stores, api: { baseUrl: on.baseUrl, maxRetries: 0 } };
  if (!('state' in stores)) Object.assign(config, { state: { type: 'memory' } });
  writeFileSync(join(cwd, 'edenai-tokens.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return cwd;
}

/** Runs the command in this process, as `edenai-tokens` would with this environment. */
async function cli(cwd: string, args: string[], env: Record<string, string> = {}, on = eden) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const code = await run(args, { stdout, stderr, env: { EDENAI_API_KEY: on.apiKey, ...env }, cwd });
  expect(stdout.text + stderr.text).not.toMatch(FAKE_VALUE); // no value printed, ever
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The one member of a config file `parse` writes: its line 2. */
const member = (store: Record<string, unknown>) =>
  Object.entries(store).map(([k, v]) => `  "${k}": ${JSON.stringify(v)}`)[0]!;

/** Resolves a config file holding only `store`, on line 2, as `file:line:column` messages count. */
function parse(store: Record<string, unknown>) {
  const text = `{\n${member(store)}\n}\n`;
  return resolveConfig(JSON.parse(text), join(dir, 'c.json'), dir, text);
}

/** Column (from 1) of `needle` on line 2 of the file `parse` reads. */
const column = (store: Record<string, unknown>, needle: string) => member(store).indexOf(needle) + 1;

describe('config: every store type', () => {
  it.each([
    [{ type: 'aws' }, { type: 'aws' }],
    [
      {
        type: 'aws',
        region: 'eu-west-1',
        prefix: 'teams/payments/',
        recoveryWindowDays: 'force',
        kmsKeyId: 'alias/edenai',
        endpoint: 'http://localhost:4566',
      },
      undefined,
    ],
    [{ type: 'vault' }, { type: 'vault', tokenEnv: 'VAULT_TOKEN' }],
    [
      {
        type: 'vault',
        address: 'https://vault.internal:8200',
        tokenEnv: 'EDENAI_VAULT_TOKEN',
        mount: 'kv',
        pathPrefix: 'teams/payments/',
        namespace: 'admin/payments',
        deleteMode: 'destroy',
      },
      undefined,
    ],
    [{ type: 'azure', vaultUrl: 'https://payments-prod.vault.azure.net' }, undefined],
    [
      {
        type: 'azure',
        vaultUrl: 'https://payments-prod.vault.azure.net',
        prefix: 'edenai-',
        deleteMode: 'purge',
      },
      undefined,
    ],
    [{ type: 'gcp' }, undefined],
    [{ type: 'gcp', projectId: 'payments-prod', prefix: 'x-', locations: ['europe-west1'] }, undefined],
    [{ type: 'kubernetes' }, undefined],
    [{ type: 'kubernetes', namespace: 'payments', prefix: 'tokens.' }, undefined],
  ])('secrets %j', (secrets, expected) => {
    const c = parse({ secrets });
    expect(c.secrets).toEqual(expected ?? secrets);
    expect(c.storeAt('secrets')).toBe(`c.json:2:${column({ secrets }, '"type"')}`);
    expect(c.storeAt('state')).toBe('the built-in defaults');
  });

  it.each([
    [{ type: 'redis' }, { type: 'redis', urlEnv: 'REDIS_URL' }],
    [
      {
        type: 'redis',
        urlEnv: 'EDENAI_REDIS_URL',
        prefix: 'etm:',
        ttlByPrefix: { 'rotation/lock/': 3_600_000 },
      },
      undefined,
    ],
    [{ type: 'memory' }, undefined],
  ])('state %j', (state, expected) => {
    expect(parse({ state }).state).toEqual(expected ?? state);
  });

  it.each([
    // A misspelt type: named, with the one it most likely meant.
    [
      { secrets: { type: 'vualt' } },
      '"type"',
      'secrets.type: unknown "vualt" (did you mean "vault"?); use one of file, env, memory, aws, vault, azure, gcp, kubernetes',
    ],
    [
      { secrets: { type: 'k8s' } },
      '"type"',
      'secrets.type: unknown "k8s"; use one of file, env, memory, aws',
    ],
    [{ secrets: { region: 'eu-west-1' } }, '"secrets"', 'secrets.type: missing; use one of file, env'],
    // No state store on Kubernetes ships: the CLI offers only what the package has.
    [
      { state: { type: 'kubernetes' } },
      '"type"',
      'state.type: unknown "kubernetes"; use one of file, memory, redis',
    ],
    [{ state: { type: 'rdis' } }, '"type"', 'state.type: unknown "rdis" (did you mean "redis"?)'],
    // A misspelt field: the fields of that store type.
    [
      { secrets: { type: 'aws', regoin: 'eu-west-1' } },
      '"regoin"',
      'unknown field "secrets.regoin" (did you mean "region"?)',
    ],
    [{ secrets: { type: 'vault', mnt: 'kv', mount: 'kv' } }, '"mnt"', 'unknown field "secrets.mnt"'],
    [
      { state: { type: 'redis', prefx: 'x' } },
      '"prefx"',
      'unknown field "state.prefx" (did you mean "prefix"?)',
    ],
    // Secrets never in the file: a token or a URL with a password is an unknown field.
    [{ secrets: { type: 'vault', token: 'hvs.not-here' } }, '"token"', 'unknown field "secrets.token"'],
    [{ state: { type: 'redis', url: 'redis://:pw@redis:6379' } }, '"url"', 'unknown field "state.url"'],
    // Each type's own checks.
    [
      { secrets: { type: 'aws', recoveryWindowDays: 3 } },
      '"recoveryWindowDays"',
      'secrets.recoveryWindowDays: Too small: expected number to be >=7',
    ],
    [{ secrets: { type: 'aws', endpoint: 'localhost' } }, '"endpoint"', 'secrets.endpoint: Invalid URL'],
    [
      { secrets: { type: 'vault', deleteMode: 'purge' } },
      '"deleteMode"',
      'secrets.deleteMode: Invalid option',
    ],
    [{ secrets: { type: 'azure' } }, '"secrets"', 'secrets.vaultUrl: Invalid input: expected string'],
    [{ secrets: { type: 'gcp', locations: [] } }, '"locations"', 'secrets.locations: Too small'],
    [{ secrets: { type: 'kubernetes', namespace: '' } }, '"namespace"', 'secrets.namespace: Too small'],
    [{ state: { type: 'redis', urlEnv: '' } }, '"urlEnv"', 'state.urlEnv: Too small'],
  ])('refuses %j at its line and column', (store, needle, problem) => {
    expect(() => parse(store)).toThrow(ConfigurationError);
    expect(() => parse(store)).toThrow(`Invalid config in c.json:2:${column(store, needle)}: ${problem}`);
  });
});

describe('commands on the configured stores', () => {
  it('vault: `create` stores the value in Vault, `rotate` the next one; nothing needs a file or passphrase', async () => {
    const cwd = workspace({ secrets: { type: 'vault', address: vault.address, pathPrefix: 'cli/' } });
    const env = { VAULT_TOKEN: 'root-token' };
    expect(await cli(cwd, ['create', 'dev', 'web-app'], env)).toMatchObject({ code: 0 });
    const read = new VaultKvStore({ address: vault.address, token: 'root-token', pathPrefix: 'cli/' });
    const first = await read.get('edenai/dev-web-app');
    expect(first?.value.reveal()).toBe(eden.tokenValue('dev-web-app'));
    expect([...vault.keys('secret').keys()]).toContain('cli/edenai/dev-web-app');

    expect(await cli(cwd, ['rotate', 'dev-web-app'], env)).toMatchObject({ code: 0 });
    const second = await read.get('edenai/dev-web-app');
    expect(second?.value.reveal()).toBe(eden.tokenValue('dev-web-app--g2'));
    expect(second?.version).not.toBe(first?.version);
  });

  it('aws: `create` stores the value in Secrets Manager; credentials come from the SDK chain', async () => {
    const { region, credentials } = aws.clientConfig();
    vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
    const cwd = workspace({
      secrets: { type: 'aws', region, endpoint: aws.endpoint, prefix: 'cli/', recoveryWindowDays: 7 },
    });
    expect(await cli(cwd, ['create', 'staging', 'web-app'])).toMatchObject({ code: 0 });
    const read = new AwsSecretsManagerStore({ clientConfig: aws.clientConfig(), prefix: 'cli/' });
    expect((await read.get('edenai/staging-web-app'))?.value.reveal()).toBe(
      eden.tokenValue('staging-web-app'),
    );
    expect(await cli(cwd, ['delete', 'staging-web-app', '--yes'])).toMatchObject({ code: 0 });
    expect(aws.requests.filter((r) => r.op === 'DeleteSecret').at(-1)?.body).toMatchObject({
      SecretId: 'cli/edenai/staging-web-app',
      RecoveryWindowInDays: 7,
    });
    await read.dispose();
  });

  it('kubernetes: the Secret pods read, its previous value dropped once the old generation is revoked', async () => {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, kube.kubeconfig('default'));
    vi.stubEnv('KUBECONFIG', kubeconfig);
    const cwd = workspace({
      secrets: { type: 'kubernetes', namespace: 'payments' },
      state: { type: 'file', path: 'state.json' }, // the grace period outlives one command
    });
    expect(await cli(cwd, ['create', 'dev', 'mobile-app'])).toMatchObject({ code: 0 });
    expect(kube.data('payments', 'edenai.dev-mobile-app')).toEqual({
      value: eden.tokenValue('dev-mobile-app'),
    });

    expect(await cli(cwd, ['rotate', 'dev-mobile-app'])).toMatchObject({ code: 0 });
    expect(kube.data('payments', 'edenai.dev-mobile-app')).toEqual({
      value: eden.tokenValue('dev-mobile-app--g2'),
      previous: eden.tokenValue('dev-mobile-app'),
    });
    expect(await cli(cwd, ['finalize', '--force'])).toMatchObject({ code: 0 });
    expect(kube.data('payments', 'edenai.dev-mobile-app')).toEqual({
      value: eden.tokenValue('dev-mobile-app--g2'),
    });
  });
});

describe.skipIf(!hasRedisServer())('state on Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());

  it('keeps rotation journals between commands, its URL read from the variable `urlEnv` names', async () => {
    const cwd = workspace({
      secrets: { type: 'vault', address: vault.address, pathPrefix: 'redis/' },
      state: { type: 'redis', urlEnv: 'EDENAI_REDIS_URL', prefix: 'cli:' },
    });
    const env = { VAULT_TOKEN: 'root-token', EDENAI_REDIS_URL: redis.url };
    expect(await cli(cwd, ['create', 'prod', 'web-app', '--expires-in', '30d'], env)).toMatchObject({
      code: 0,
    });
    expect(await cli(cwd, ['rotate', 'prod-web-app'], env)).toMatchObject({ code: 0 });
    const state = new RedisStateStore({ redis: redis.url, prefix: 'cli:' });
    try {
      expect(await state.list('rotation/journal/')).toHaveLength(1);
      expect(await cli(cwd, ['finalize', '--force'], env)).toMatchObject({ code: 0 });
      expect(eden.tokens().find((t) => t.name === 'prod-web-app')).toBeUndefined();
    } finally {
      await state.dispose();
    }
  });
});

describe('a store opens when a command first needs it', () => {
  // An account with no rotation in its grace period: listing it reads no secret-store entry.
  let quiet: FakeEdenAI;
  beforeAll(async () => {
    quiet = await createFakeEdenAI();
  });
  afterAll(() => quiet.close());

  it('vault without its token: `list` works, `create` stops before Eden AI, naming the variable and the config line', async () => {
    const cwd = workspace(
      { secrets: { type: 'vault', address: vault.address, tokenEnv: 'TEAM_VAULT_TOKEN' } },
      quiet,
    );
    expect(await cli(cwd, ['list'], {}, quiet)).toMatchObject({ code: 0, stderr: '' });
    const posts = quiet.requests.filter((r) => r.method === 'POST').length;
    const r = await cli(cwd, ['create', 'dev', 'no-token'], {}, quiet);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'edenai-tokens.config.json:3:5: secrets.type "vault": Set TEAM_VAULT_TOKEN to a Vault token',
    );
    expect(quiet.requests.filter((q) => q.method === 'POST')).toHaveLength(posts);
  });

  it('redis without its URL: commands that keep no state work, `rotate` says which variable to set', async () => {
    const cwd = workspace({ secrets: { type: 'memory' }, state: { type: 'redis' } }, quiet);
    expect(await cli(cwd, ['create', 'dev', 'no-state'], {}, quiet)).toMatchObject({ code: 0 });
    const r = await cli(cwd, ['rotate', 'dev-no-state'], {}, quiet);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /edenai-tokens\.config\.json:6:5: state\.type "redis": Set REDIS_URL to the Redis URL/,
    );
  });

  it('a missing optional SDK: `list` never loads it, `create` exits 3 with the install command', async () => {
    // A resolve hook that makes Node answer as if the package were not installed.
    const hook = join(dir, 'no-aws-sdk.mjs');
    const resolver = `export async function resolve(specifier, context, next) {
      if (specifier === '@aws-sdk/client-secrets-manager')
        throw Object.assign(new Error("Cannot find package '" + specifier + "'"), { code: 'ERR_MODULE_NOT_FOUND' });
      return next(specifier, context);
    }`;
    writeFileSync(
      hook,
      `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolver)}));\n`,
    );
    const cwd = workspace({ secrets: { type: 'aws', region: 'eu-west-1' } }, quiet);
    const env = { EDENAI_API_KEY: quiet.apiKey, NODE_OPTIONS: `--import=${hook}` };
    expect(await runCli(['list'], { cwd, env })).toMatchObject({ code: 0, stderr: '' });
    const create = await runCli(['create', 'dev', 'no-sdk'], { cwd, env });
    expect(create.code).toBe(3);
    expect(create.stderr).toContain(
      'edenai-tokens.config.json:3:5: secrets.type "aws": AwsSecretsManagerStore needs @aws-sdk/client-secrets-manager: npm install @aws-sdk/client-secrets-manager',
    );
  });
});
