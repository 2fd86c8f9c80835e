import { inspect } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  AuthenticationError,
  ConfigurationError,
  InvalidInputError,
  VersionConflictError,
} from 'edenai-token-manager';
import { AwsSecretsManagerStore, type AwsSecretsManagerStoreOptions } from 'edenai-token-manager/aws';
import { secretStoreConformance } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAwsSdk } from '../../src/stores/aws/api.js';
import { awsClientConfig, instantRetry } from '../fixtures/aws-client.js';
import {
  createFakeAwsSecretsManager,
  type FakeAwsSecretsManager,
} from '../fixtures/fake-aws-secrets-manager.js';

let fake: FakeAwsSecretsManager;
let run = 0;
beforeAll(async () => {
  fake = await createFakeAwsSecretsManager({ pageSize: 3 });
});
afterAll(() => fake.close());

/** A store on its own prefix of the shared fake, so tests never see each other's secrets. */
const store = (options: AwsSecretsManagerStoreOptions = {}) =>
  new AwsSecretsManagerStore({ clientConfig: awsClientConfig(fake), prefix: `t${++run}/`, ...options });

const VALUE = 'tok_live_aws_7d2f0c';
const versionsOf = (name: string) => [...(fake.secrets.get(name)?.versions.values() ?? [])];
const since = (mark: number) => fake.requests.slice(mark);

// Contended compare-and-set takes many requests: allow for a busy machine.
const slow = (name: string, body: () => Promise<void>) => it(name, body, 60_000);

secretStoreConformance({
  name: 'AwsSecretsManagerStore',
  create: () => store(),
  describe,
  it: slow,
  largeValueSize: 60_000,
});
secretStoreConformance({
  name: "AwsSecretsManagerStore (recoveryWindowDays: 'force')",
  create: () => store({ recoveryWindowDays: 'force' }),
  describe,
  it: slow,
  largeValueSize: 60_000,
});

describe('AwsSecretsManagerStore on the wire', () => {
  it('stores { value, metadata } JSON under prefix + key, versions are VersionIds', async () => {
    const s = store({ prefix: 'edenai/', kmsKeyId: 'alias/edenai' });
    await s.set('prod-web-app', VALUE, { ifVersion: null, metadata: { generation: 2 } }).catch(() => {});
    await s.delete('prod-web-app', {});
    const { version } = await s.set('prod-web-app', VALUE, { metadata: { generation: 2 } });
    const current = versionsOf('edenai/prod-web-app').find((v) => v.stages.has('AWSCURRENT'))!;
    expect(current.id).toBe(version);
    expect(JSON.parse(current.text)).toEqual({ value: VALUE, metadata: { generation: 2 } });
    expect(fake.secrets.get('edenai/prod-web-app')?.kmsKeyId).toBe('alias/edenai');
  });

  it('compare-and-set writes AWSPENDING, then moves AWSCURRENT from the expected version', async () => {
    const s = store();
    const v1 = (await s.set('k', 'one')).version;
    const mark = fake.requests.length;
    const v2 = (await s.set('k', 'two', { ifVersion: v1 })).version;
    expect(since(mark).map((r) => r.op)).toEqual([
      'DescribeSecret',
      'PutSecretValue',
      'UpdateSecretVersionStage',
    ]);
    expect(since(mark)[1]?.body).toMatchObject({ ClientRequestToken: v2, VersionStages: ['AWSPENDING'] });
    expect(since(mark)[2]?.body).toMatchObject({
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: v2,
      RemoveFromVersionId: v1,
    });
    const byId = new Map(versionsOf(`${s.prefix}k`).map((v) => [v.id, [...v.stages].sort()]));
    expect(byId.get(v2)).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect(byId.get(v1)).toEqual(['AWSPREVIOUS']);
  });

  it('a write that lands between the version check and the label move makes the CAS write conflict', async () => {
    const s = store();
    const other = store({ prefix: s.prefix });
    const v1 = (await s.set('k', 'one')).version;
    let slipped: string | undefined;
    fake.before = async (op, body) => {
      if (op === 'PutSecretValue' && (body['VersionStages'] as string[] | undefined)?.[0] === 'AWSPENDING') {
        fake.before = undefined;
        slipped = (await other.set('k', 'from-the-other-writer')).version;
      }
    };
    const error = await s.set('k', 'mine', { ifVersion: v1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ expected: v1, actual: slipped });
    const entry = await s.get('k');
    expect(entry?.value.reveal()).toBe('from-the-other-writer');
    expect(entry?.version).toBe(slipped);
  });

  it("runs the SDK's own retry on throttling and 5xx", async () => {
    const retry = instantRetry();
    const s = new AwsSecretsManagerStore({
      clientConfig: awsClientConfig(fake, retry),
      prefix: `t${++run}/`,
    });
    await s.set('k', VALUE);
    fake.inject({ op: 'GetSecretValue', type: 'ThrottlingException' });
    expect((await s.get('k'))?.value.reveal()).toBe(VALUE);
    fake.inject({ op: 'DescribeSecret', type: 'InternalServiceError' });
    await s.delete('k', { ifVersion: (await s.get('k'))!.version });
    expect(retry.retries).toBe(2);
  });

  it('a retried write whose first answer was lost creates one version, not two', async () => {
    const s = store();
    const v1 = (await s.set('k', 'one')).version;
    const before = versionsOf(`${s.prefix}k`).length;
    let mark = fake.requests.length;
    fake.inject({ op: 'PutSecretValue', type: 'InternalServiceError', afterApply: true });
    const { version } = await s.set('k', 'two');
    const puts = since(mark).filter((r) => r.op === 'PutSecretValue');
    expect(puts).toHaveLength(2);
    expect(puts[0]?.body['ClientRequestToken']).toBe(version);
    expect(puts[1]?.body['ClientRequestToken']).toBe(version);
    expect(versionsOf(`${s.prefix}k`)).toHaveLength(before + 1);

    // The same for a CAS write whose label move was applied but answered 500: no false conflict.
    mark = fake.requests.length;
    fake.inject({ op: 'UpdateSecretVersionStage', type: 'InternalServiceError', afterApply: true });
    const v3 = (await s.set('k', 'three', { ifVersion: version })).version;
    expect(since(mark).filter((r) => r.op === 'UpdateSecretVersionStage')).toHaveLength(2);
    expect((await s.get('k'))?.version).toBe(v3);
    expect(v1).not.toBe(v3);
  });

  it('a create-only write whose answer was lost succeeds on its retry instead of conflicting', async () => {
    const s = store();
    fake.inject({ op: 'CreateSecret', type: 'InternalServiceError', afterApply: true });
    const { version } = await s.set('fresh', VALUE, { ifVersion: null });
    expect(versionsOf(`${s.prefix}fresh`).map((v) => v.id)).toEqual([version]);
    await expect(s.set('fresh', 'again', { ifVersion: null })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('delete schedules deletion with the recovery window; a later write restores and overwrites', async () => {
    const s = store({ recoveryWindowDays: 7 });
    await s.set('k', 'old');
    const mark = fake.requests.length;
    expect(await s.delete('k')).toBe(true);
    expect(since(mark)[0]?.body).toMatchObject({ RecoveryWindowInDays: 7 });
    expect(fake.secrets.get(`${s.prefix}k`)?.deletedDate).toBeDefined();
    expect(await s.get('k')).toBeUndefined();
    expect(await s.list()).toEqual([]);
    expect(await s.delete('k')).toBe(false);
    const { version } = await s.set('k', 'new', { ifVersion: null });
    expect(await s.get('k')).toMatchObject({ version });
    expect((await s.get('k'))?.value.reveal()).toBe('new');
    await expect(s.set('k', 'x', { ifVersion: null })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it("recoveryWindowDays: 'force' deletes at once", async () => {
    const s = store({ recoveryWindowDays: 'force' });
    await s.set('k', 'v');
    const mark = fake.requests.length;
    expect(await s.delete('k')).toBe(true);
    expect(since(mark).find((r) => r.op === 'DeleteSecret')?.body).toMatchObject({
      ForceDeleteWithoutRecovery: true,
    });
    expect(fake.secrets.has(`${s.prefix}k`)).toBe(false);
  });

  it("recoveryWindowDays: 'force' reports a missing secret as not deleted (AWS does not say so)", async () => {
    const s = store({ recoveryWindowDays: 'force' });
    expect(await s.delete('never-written')).toBe(false);
    await s.set('k', 'v');
    expect(await s.delete('k')).toBe(true);
    expect(await s.delete('k')).toBe(false);
    // Scheduled for deletion by another tool: absent for readers; a forced delete frees the name.
    await store({ prefix: s.prefix, recoveryWindowDays: 7 }).set('soft', 'v');
    await store({ prefix: s.prefix, recoveryWindowDays: 7 }).delete('soft');
    expect(await s.delete('soft')).toBe(false);
    expect(fake.secrets.has(`${s.prefix}soft`)).toBe(false);
  });

  it('a ListSecrets that repeats its NextToken is refused instead of walked forever', async () => {
    let calls = 0;
    const client = {
      send: async () => {
        calls++;
        return { SecretList: [{ Name: 'k' }], NextToken: 'same-token' };
      },
    } as unknown as SecretsManagerClient;
    await expect(new AwsSecretsManagerStore({ client }).list()).rejects.toThrow(/does not end/);
    expect(calls).toBe(2);
  });

  it('options that are not an object are an InvalidInputError, not a TypeError', async () => {
    const s = store();
    await expect(s.set('k', 'v', null as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.delete('k', 'x' as never)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('the fake answers like AWS where it used to be kinder', async () => {
    const client = new SecretsManagerClient({ ...awsClientConfig(fake), maxAttempts: 1 });
    const sdk = await import('@aws-sdk/client-secrets-manager');
    // A forced delete of a nonexistent secret succeeds (AWS documents it, for retries).
    await expect(
      client.send(
        new sdk.DeleteSecretCommand({ SecretId: 'no/such/secret', ForceDeleteWithoutRecovery: true }),
      ),
    ).resolves.toMatchObject({ Name: 'no/such/secret' });
    // Without force it is still a ResourceNotFoundException.
    await expect(
      client.send(new sdk.DeleteSecretCommand({ SecretId: 'no/such/secret', RecoveryWindowInDays: 7 })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // A ClientRequestToken has 32 to 64 characters; a page 1 to 100 entries.
    await expect(
      client.send(
        new sdk.CreateSecretCommand({ Name: 'short-token', SecretString: 'v', ClientRequestToken: 'x' }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(client.send(new sdk.ListSecretsCommand({ MaxResults: 500 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    client.destroy();
  });

  it('escapes keys into valid secret names and lists them back', async () => {
    const s = store();
    const keys = ['prod/ключ 🔑', 'a=b', 'with space', 'plain/ok-1.2_x@y+z'];
    for (const key of keys) await s.set(key, VALUE);
    const names = [...fake.secrets.keys()].filter((n) => n.startsWith(s.prefix));
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9/_+=.@-]+$/);
    expect(names).toContain(`${s.prefix}a=3Db`);
    expect(names).toContain(`${s.prefix}plain/ok-1.2_x@y+z`);
    expect(await s.list()).toEqual([...keys].sort());
    expect(await s.list('prod/клю')).toEqual(['prod/ключ 🔑']);
  });

  it('list pages through ListSecrets with a name filter and checks the case AWS ignores', async () => {
    const s = store();
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await s.set(key, VALUE);
    await store({ prefix: s.prefix.toUpperCase() }).set('h', VALUE); // T…/h: matched by AWS's filter
    const mark = fake.requests.length;
    expect(await s.list()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const calls = since(mark);
    expect(calls.map((r) => r.op)).toEqual(['ListSecrets', 'ListSecrets', 'ListSecrets']);
    expect(calls[0]?.body['Filters']).toEqual([{ Key: 'name', Values: [s.prefix] }]);
    expect(calls[1]?.body['NextToken']).toBeTypeOf('string');
  });

  it('reads a secret another tool wrote as a plain string', async () => {
    const s = store();
    const client = new SecretsManagerClient(awsClientConfig(fake));
    const { CreateSecretCommand } = await import('@aws-sdk/client-secrets-manager');
    await client.send(new CreateSecretCommand({ Name: `${s.prefix}legacy`, SecretString: 'plain-token' }));
    client.destroy();
    const entry = await s.get('legacy');
    expect(entry?.value.reveal()).toBe('plain-token');
    expect(entry?.metadata).toBeUndefined();
  });

  it('rejects bad input before any request', async () => {
    const s = store();
    const mark = fake.requests.length;
    await expect(s.set('k', 'x'.repeat(70_000))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.set('x'.repeat(600), VALUE)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.set('', VALUE)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.set('k', '')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(s.set('k', VALUE, { metadata: { bad: {} as never } })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(s.set('k', VALUE, { ifVersion: 3 as never })).rejects.toBeInstanceOf(InvalidInputError);
    expect(fake.requests.length).toBe(mark);
  });

  it('validates options at construction', () => {
    expect(() => new AwsSecretsManagerStore({ recoveryWindowDays: 3 })).toThrow(ConfigurationError);
    expect(() => new AwsSecretsManagerStore({ recoveryWindowDays: 31 })).toThrow(/7 to 30/);
    expect(() => new AwsSecretsManagerStore({ prefix: 'bad prefix/' })).toThrow(ConfigurationError);
    expect(() => new AwsSecretsManagerStore({ region: 'x' } as never)).toThrow(/Unknown .* option "region"/);
    expect(() => new AwsSecretsManagerStore({ client: {} as never })).toThrow(ConfigurationError);
  });

  it('no region anywhere is a ConfigurationError that says where to set one', async () => {
    const { region: _, ...config } = awsClientConfig(fake);
    const saved = {
      AWS_REGION: process.env['AWS_REGION'],
      AWS_DEFAULT_REGION: process.env['AWS_DEFAULT_REGION'],
    };
    delete process.env['AWS_REGION'];
    delete process.env['AWS_DEFAULT_REGION'];
    try {
      const s = new AwsSecretsManagerStore({ clientConfig: config, prefix: `t${++run}/` });
      const error = await s.get('k').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/Set a region: AWS_REGION/);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  });

  it('bad credentials give an AuthenticationError that shows neither the value nor the secret key', async () => {
    const config = {
      ...awsClientConfig(fake),
      credentials: { accessKeyId: 'AKIDWRONG', secretAccessKey: 'sk-aws-do-not-show' },
    };
    const s = new AwsSecretsManagerStore({ clientConfig: config, prefix: `t${++run}/` });
    const error = await s.set('k', VALUE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/PutSecretValue of "k" failed: UnrecognizedClientException/);
    for (const text of [(error as Error).message, JSON.stringify(error), inspect(error, { depth: 2 })]) {
      expect(text).not.toContain(VALUE);
      expect(text).not.toContain('sk-aws-do-not-show');
    }
    expect(JSON.stringify(s)).not.toContain('sk-aws-do-not-show');
    expect(inspect(s, { depth: 5 })).not.toContain('sk-aws-do-not-show');
  });

  it('dispose destroys the client it made, never one passed in', async () => {
    const client = new SecretsManagerClient(awsClientConfig(fake));
    const s = new AwsSecretsManagerStore({ client, prefix: `t${++run}/` });
    await s.set('k', VALUE);
    await s.dispose();
    expect((await s.get('k'))?.value.reveal()).toBe(VALUE); // still usable: the client was not destroyed
    client.destroy();
  });

  it('a missing SDK is a ConfigurationError that says what to install', async () => {
    const missing = Object.assign(new Error("Cannot find package '@aws-sdk/client-secrets-manager'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadAwsSdk(() => Promise.reject(missing))).rejects.toThrow(
      new ConfigurationError(
        'AwsSecretsManagerStore needs @aws-sdk/client-secrets-manager: npm install @aws-sdk/client-secrets-manager',
      ),
    );
    const other = new Error('boom');
    await expect(loadAwsSdk(() => Promise.reject(other))).rejects.toBe(other);
  });
});
