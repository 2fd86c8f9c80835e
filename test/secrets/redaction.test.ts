import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { SecretStore } from 'edenai-token-manager';
import { EnvSecretStore, FileSecretStore, MemorySecretStore } from 'edenai-token-manager';
import { afterAll, describe, expect, it } from 'vitest';

const VALUE = 'tok_live_must_not_leak_91f2';
const PASSPHRASE = 'passphrase-must-not-leak-7c1d';
const RAW_KEY = randomBytes(32);
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempPath() {
  const dir = await mkdtemp(join(tmpdir(), 'edenai-redaction-'));
  dirs.push(dir);
  return join(dir, 'secrets.enc');
}

/** What a log line or a debugger would show of the store and of what it returned. */
async function exposures(store: SecretStore, key = 'prod/web') {
  const entry = await store.get(key);
  const error = await store.set(key, 'x', { ifVersion: 'stale' }).catch((e: Error) => e);
  return [
    JSON.stringify(store),
    inspect(store, { depth: 10, showHidden: true }),
    JSON.stringify(entry),
    inspect(entry, { depth: 10 }),
    String(error),
    inspect(error),
  ];
}

describe('no store shows a value or a key when logged or serialised', () => {
  it.each([
    ['MemorySecretStore', async () => new MemorySecretStore()],
    [
      'FileSecretStore (passphrase)',
      async () => new FileSecretStore({ path: await tempPath(), key: PASSPHRASE }),
    ],
    ['FileSecretStore (raw key)', async () => new FileSecretStore({ path: await tempPath(), key: RAW_KEY })],
  ])('%s', async (_name, create) => {
    const store = await create();
    await store.set('prod/web', VALUE, { metadata: { owner: 'payments' } });
    for (const shown of await exposures(store)) {
      expect(shown).not.toContain(VALUE);
      expect(shown).not.toContain(PASSPHRASE);
      expect(shown).not.toContain(RAW_KEY.toString('hex'));
      expect(shown).not.toContain(RAW_KEY.toString('base64'));
    }
  });

  it('EnvSecretStore (which holds the whole environment)', async () => {
    const store = new EnvSecretStore({
      env: { EDENAI_TOKEN_PROD_WEB: VALUE, OTHER_SECRET: PASSPHRASE },
      dataDir: false,
      cwd: false,
    });
    expect((await store.get('prod/web'))?.value.reveal()).toBe(VALUE);
    for (const shown of await exposures(store)) {
      expect(shown).not.toContain(VALUE);
      expect(shown).not.toContain(PASSPHRASE);
    }
  });
});
