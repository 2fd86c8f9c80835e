import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, EnvSecretStore } from 'edenai-token-manager';
import { secretStoreConformance } from 'edenai-token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
let dataDir: string;
let cwd: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edenai-env-'));
  dataDir = join(root, 'data');
  cwd = join(root, 'project');
  await mkdir(dataDir);
  await mkdir(cwd);
  await writeFile(
    join(dataDir, '.env'),
    [
      'EDENAI_TOKEN_SHARED=from-data-dir',
      'EDENAI_TOKEN_DATA_ONLY=data-value',
      'EDENAI_TOKEN_SPACED = ignored',
    ].join('\n'),
  );
  await writeFile(
    join(cwd, '.env'),
    ['EDENAI_TOKEN_SHARED=from-cwd', 'EDENAI_TOKEN_CWD_ONLY=cwd-value', 'EDENAI_TOKEN_BOTH=cwd-both'].join(
      '\n',
    ),
  );
});
afterAll(() => rm(root, { recursive: true, force: true }));

const store = (
  env: Record<string, string> = {},
  extra: Partial<ConstructorParameters<typeof EnvSecretStore>[0]> = {},
) => new EnvSecretStore({ env, dataDir, cwd, ...extra });

secretStoreConformance({
  name: 'EnvSecretStore',
  readOnly: true,
  // Keys as list() spells them: the prefix rule cannot recover `edenai/prod-web-app` from its variable.
  entries: { app_one: 'value-one', edenai_prod_web_app: 'prod-value', mapped: 'mapped-value' },
  create: () =>
    new EnvSecretStore({
      env: {
        EDENAI_TOKEN_APP_ONE: 'value-one',
        EDENAI_TOKEN_EDENAI_PROD_WEB_APP: 'prod-value',
        CUSTOM_VAR: 'mapped-value',
        UNRELATED: 'x',
      },
      vars: { mapped: 'CUSTOM_VAR' },
      dataDir: false,
      cwd: false,
    }),
  describe,
  it,
});

describe('EnvSecretStore', () => {
  it('maps keys to variable names: vars first, then prefix + upper-cased key with _ for the rest', () => {
    const s = new EnvSecretStore({ vars: { web: 'WEB_TOKEN' }, env: {} });
    expect(s.variableFor('web')).toBe('WEB_TOKEN');
    expect(s.variableFor('edenai/prod-web-app')).toBe('EDENAI_TOKEN_EDENAI_PROD_WEB_APP');
    expect(s.variableFor('prod.api gateway')).toBe('EDENAI_TOKEN_PROD_API_GATEWAY');
    expect(new EnvSecretStore({ prefix: 'APP_', env: {} }).variableFor('x')).toBe('APP_X');
    expect(() => new EnvSecretStore({ prefix: 'BAD-' })).toThrow(ConfigurationError);
    expect(() => new EnvSecretStore({ vars: { a: 'NOT VALID' } })).toThrow(/vars\["a"\]/);
  });

  it('load order: system env beats <dataDir>/.env beats .env in cwd', async () => {
    const withSystem = store({ EDENAI_TOKEN_SHARED: 'from-system' });
    expect((await withSystem.get('shared'))?.value.reveal()).toBe('from-system');
    const s = store();
    expect((await s.get('shared'))?.value.reveal()).toBe('from-data-dir');
    expect((await s.get('data_only'))?.value.reveal()).toBe('data-value');
    expect((await s.get('cwd-only'))?.value.reveal()).toBe('cwd-value');
    expect((await s.get('shared'))?.metadata).toEqual({
      variable: 'EDENAI_TOKEN_SHARED',
      source: join(dataDir, '.env'),
    });
    expect((await withSystem.get('shared'))?.metadata?.['source']).toBe('the process environment');
    // An empty system variable counts as unset.
    expect((await store({ EDENAI_TOKEN_SHARED: '' }).get('shared'))?.value.reveal()).toBe('from-data-dir');
  });

  it('skips the .env files that are switched off or absent', async () => {
    expect(await store({}, { dataDir: false }).get('data_only')).toBeUndefined();
    expect((await store({}, { dataDir: false }).get('shared'))?.value.reveal()).toBe('from-cwd');
    expect(await store({}, { cwd: join(root, 'nowhere') }).get('cwd_only')).toBeUndefined();
  });

  it('versions are stable for a value and change with it', async () => {
    const a = await store({ EDENAI_TOKEN_X: 'one' }).get('x');
    const b = await store({ EDENAI_TOKEN_X: 'one' }).get('x');
    const c = await store({ EDENAI_TOKEN_X: 'two' }).get('x');
    expect(a?.version).toBe(b?.version);
    expect(a?.version).not.toBe(c?.version);
    expect(a?.version).toMatch(/^env-[0-9a-f]{16}$/);
  });

  it('reads the live environment, and re-reads .env files after reload()', async () => {
    const env: Record<string, string> = {};
    const s = new EnvSecretStore({ env, dataDir: false, cwd: root });
    await writeFile(join(root, '.env'), 'EDENAI_TOKEN_FILE=v1');
    expect(await s.get('late')).toBeUndefined();
    env['EDENAI_TOKEN_LATE'] = 'now-set';
    expect((await s.get('late'))?.value.reveal()).toBe('now-set');
    expect((await s.get('file'))?.value.reveal()).toBe('v1');
    await writeFile(join(root, '.env'), 'EDENAI_TOKEN_FILE=v2');
    expect((await s.get('file'))?.value.reveal()).toBe('v1');
    s.reload();
    expect((await s.get('file'))?.value.reveal()).toBe('v2');
  });

  it('require() names exactly the missing variable and where it looked', async () => {
    const error = await store()
      .require('edenai/prod-web-app')
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      `Secret "edenai/prod-web-app" is not set: set the environment variable EDENAI_TOKEN_EDENAI_PROD_WEB_APP ` +
        `(looked in the process environment, ${join(dataDir, '.env')}, ${join(cwd, '.env')}).`,
    );
    const missingFile = await store({}, { cwd: join(root, 'nowhere') })
      .require('x')
      .catch((e: Error) => e);
    expect((missingFile as Error).message).toContain(`${join(root, 'nowhere', '.env')} (no such file)`);
    expect((await store().require('shared')).value.reveal()).toBe('from-data-dir');
  });

  it('require() points at a .env line that was ignored for that variable', async () => {
    const error = await store()
      .require('spaced')
      .catch((e: Error) => e);
    expect((error as Error).message).toContain(
      `${join(dataDir, '.env')} line 3 was ignored: spaces around "=".`,
    );
    expect((error as Error).message).not.toContain('ignored)'); // the value "ignored" is not echoed
  });

  it('is read-only: set and delete throw a ConfigurationError naming the variable', async () => {
    const s = store({ EDENAI_TOKEN_X: 'keep-me' });
    await expect(s.set('x', 'new-value')).rejects.toThrow(
      new ConfigurationError(
        'EnvSecretStore is read-only: set EDENAI_TOKEN_X in the environment or a .env file instead',
      ),
    );
    await expect(s.delete('x')).rejects.toThrow(/read-only/);
    expect((await s.get('x'))?.value.reveal()).toBe('keep-me');
  });

  it('lists keys that resolve, from every source, sorted and filtered', async () => {
    const s = store(
      { EDENAI_TOKEN_PROD_WEB: 'a', EDENAI_TOKEN_EMPTY: '', WEB: 'w', OTHER: 'o' },
      { vars: { web: 'WEB', gone: 'NOPE' } },
    );
    expect(await s.list()).toEqual(['both', 'cwd_only', 'data_only', 'prod_web', 'shared', 'web']);
    expect(await s.list('prod')).toEqual(['prod_web']);
    for (const key of await s.list()) expect(await s.get(key)).toBeDefined();
  });
});
