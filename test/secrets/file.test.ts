import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigurationError, FileSecretStore, type FileSecretStoreOptions } from 'edenai-token-manager';
import { secretStoreConformance } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runCasWorkers } from './fixtures/cas-workers.js';

const PASSPHRASE = 'correct horse battery staple';
const RAW_KEY = randomBytes(32);
const dirs: string[] = [];

async function tempPath(name = 'secrets.enc'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edenai-secrets-'));
  dirs.push(dir);
  return join(dir, name);
}

const cleanup = (store: FileSecretStore) => rm(dirname(store.path), { recursive: true, force: true });

secretStoreConformance({
  name: 'FileSecretStore (32-byte key)',
  create: async () => new FileSecretStore({ path: await tempPath(), key: RAW_KEY }),
  cleanup,
  describe,
  it,
});
secretStoreConformance({
  name: 'FileSecretStore (passphrase)',
  create: async () => new FileSecretStore({ path: await tempPath(), key: PASSPHRASE }),
  cleanup,
  describe,
  it,
});

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );

describe('FileSecretStore keys', () => {
  it('requires a key, naming where it looked, never echoing it', () => {
    const saved = process.env['EDENAI_TOKENS_KEY'];
    delete process.env['EDENAI_TOKENS_KEY'];
    try {
      expect(() => new FileSecretStore({ path: 'x' })).toThrow(
        new ConfigurationError('FileSecretStore needs a key: pass `key` or set EDENAI_TOKENS_KEY'),
      );
      expect(() => new FileSecretStore({ path: 'x', key: 'short-pass' })).toThrow(/at least 16 characters/);
      expect(() => new FileSecretStore({ path: 'x', key: new Uint8Array(16) })).toThrow(/32 bytes, got 16/);
      expect(() => new FileSecretStore({ path: 'x', key: 42 as never })).toThrow(ConfigurationError);
      process.env['MY_KEY'] = 'tiny-secret';
      const error = (() => {
        try {
          new FileSecretStore({ path: 'x', keyEnv: 'MY_KEY' });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error?.message).toBe(
        'The MY_KEY environment variable is too short: a passphrase needs at least 16 characters',
      );
      expect(error?.message).not.toContain('tiny-secret');
    } finally {
      delete process.env['MY_KEY'];
      if (saved !== undefined) process.env['EDENAI_TOKENS_KEY'] = saved;
    }
  });

  it('reads the passphrase from EDENAI_TOKENS_KEY by default', async () => {
    const path = await tempPath();
    process.env['EDENAI_TOKENS_KEY'] = PASSPHRASE;
    try {
      await new FileSecretStore({ path }).set('k', 'value-1');
    } finally {
      delete process.env['EDENAI_TOKENS_KEY'];
    }
    expect((await new FileSecretStore({ path, key: PASSPHRASE }).get('k'))?.value.reveal()).toBe('value-1');
  });

  it('a wrong key is a clear ConfigurationError, never a garbage read', async () => {
    const path = await tempPath();
    await new FileSecretStore({ path, key: PASSPHRASE }).set('prod/web', 'tok_live_abc');
    const wrong = 'incorrect horse battery staple';
    const error = await errorOf(new FileSecretStore({ path, key: wrong }).get('prod/web'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      `Cannot decrypt ${path}: wrong key? It does not match the key the file was written with`,
    );
    for (const leak of [wrong, PASSPHRASE, 'tok_live_abc']) expect(error.message).not.toContain(leak);
    // A failed read writes nothing, and a write with the wrong key is refused too.
    await expect(new FileSecretStore({ path, key: wrong }).set('other', 'x')).rejects.toThrow(/wrong key/);
    expect(await new FileSecretStore({ path, key: PASSPHRASE }).list()).toEqual(['prod/web']);
  });

  it('says so when a raw key opens a passphrase file and vice versa', async () => {
    const path = await tempPath();
    await new FileSecretStore({ path, key: PASSPHRASE }).set('k', 'v');
    await expect(new FileSecretStore({ path, key: RAW_KEY }).get('k')).rejects.toThrow(
      'it was encrypted with a passphrase, but a 32-byte key was given',
    );
    const rawPath = await tempPath();
    await new FileSecretStore({ path: rawPath, key: RAW_KEY }).set('k', 'v');
    await expect(new FileSecretStore({ path: rawPath, key: PASSPHRASE }).get('k')).rejects.toThrow(
      'it was encrypted with a 32-byte key, but a passphrase was given',
    );
  });
});

describe('FileSecretStore file', () => {
  it('is mode 0600 in a 0700 folder it creates', async () => {
    const path = join(await tempPath('nested'), 'deeper', 'secrets.enc');
    await new FileSecretStore({ path, key: RAW_KEY }).set('k', 'v');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(path))).mode & 0o777).toBe(0o700);
  });

  it('encrypts the whole document: no value, key name or metadata in the file', async () => {
    const path = await tempPath();
    const store = new FileSecretStore({ path, key: PASSPHRASE });
    await store.set('edenai/prod-web-app', 'tok_live_plaintext_123', {
      metadata: { owner: 'team-payments' },
    });
    const text = await readFile(path, 'utf8');
    for (const leak of ['tok_live_plaintext_123', 'prod-web-app', 'team-payments', PASSPHRASE]) {
      expect(text).not.toContain(leak);
      expect(text).not.toContain(Buffer.from(leak).toString('base64').slice(0, 12));
    }
    const envelope = JSON.parse(text);
    expect(Object.keys(envelope)).toEqual(['format', 'kdf', 'check', 'iv', 'tag', 'data']);
    expect(envelope.kdf).toMatchObject({ name: 'scrypt', N: 32768, r: 8, p: 1 });
  });

  it('a fresh IV per write: rewriting the same document changes the ciphertext', async () => {
    const path = await tempPath();
    const store = new FileSecretStore({ path, key: RAW_KEY });
    await store.set('k', 'v');
    const first = JSON.parse(await readFile(path, 'utf8'));
    await store.set('k', 'v');
    const second = JSON.parse(await readFile(path, 'utf8'));
    expect(second.iv).not.toBe(first.iv);
    expect(second.data).not.toBe(first.data);
  });

  it('a corrupted file is a clear ConfigurationError', async () => {
    const path = await tempPath();
    const store = new FileSecretStore({ path, key: RAW_KEY });
    await store.set('k', 'v');
    const good = await readFile(path, 'utf8');
    const envelope = JSON.parse(good);
    const data = Buffer.from(envelope.data, 'base64');
    data[0]! ^= 1;
    await writeFile(path, JSON.stringify({ ...envelope, data: data.toString('base64') }));
    await expect(store.get('k')).rejects.toThrow(
      `Cannot read secrets file ${path}: it is corrupted (authentication failed: the file was damaged or modified)`,
    );
    await writeFile(path, good.slice(0, 40));
    await expect(store.get('k')).rejects.toThrow('it is corrupted (not valid JSON)');
    await writeFile(path, JSON.stringify({ ...envelope, iv: 'AAAA' }));
    await expect(store.get('k')).rejects.toThrow('it is corrupted (bad header)');
    await writeFile(
      path,
      JSON.stringify({ ...envelope, kdf: { name: 'scrypt', salt: 'x', N: 2 ** 30, r: 8, p: 1 } }),
    );
    await expect(store.get('k')).rejects.toThrow('it is corrupted (bad header)');
    await writeFile(path, '{"format":"edenai-token-manager/state@1","rev":1,"entries":{}}');
    await expect(store.get('k')).rejects.toThrow('is not an edenai-token-manager secrets file');
    await writeFile(path, good);
    expect((await store.get('k'))?.value.reveal()).toBe('v');
  });

  it('a crash between writing the temp file and renaming it leaves the old content readable', async () => {
    const path = await tempPath();
    const store = new FileSecretStore({ path, key: RAW_KEY });
    await store.set('k', 'old-value');
    // What a writer killed before its rename leaves behind: a half-written temp file (and its lock).
    const temp = join(dirname(path), `.secrets.enc.99999.deadbeef.tmp`);
    await writeFile(temp, '{"format":"edenai-token-manager/secrets@1","kdf":');
    await writeFile(
      `${path}.lock`,
      JSON.stringify({ pid: 99999, host: hostname(), time: '2020-01-01T00:00:00Z', token: 't' }),
    );
    const reader = new FileSecretStore({ path, key: RAW_KEY });
    expect((await reader.get('k'))?.value.reveal()).toBe('old-value');
    // The next writer takes the dead lock over, sweeps the leftover and writes normally.
    await reader.set('k', 'new-value');
    expect((await store.get('k'))?.value.reveal()).toBe('new-value');
    expect((await readdir(dirname(path))).sort()).toEqual(['secrets.enc']);
  });

  it('two processes doing 50 compare-and-set increments each lose no update', async () => {
    const path = await tempPath();
    const reports = await runCasWorkers(2, ['secret', path, '50'], {
      EDENAI_TOKENS_KEY: PASSPHRASE,
    });
    expect(reports.map((r) => r.applied)).toEqual([50, 50]);
    const store = new FileSecretStore({ path, key: PASSPHRASE });
    expect((await store.get('counter'))?.value.reveal()).toBe('100');
    expect(await readdir(dirname(path))).toEqual(['secrets.enc']);
  }, 60_000);

  it('two instances in one process see each other’s writes and conflicts', async () => {
    const path = await tempPath();
    const a = new FileSecretStore({ path, key: RAW_KEY });
    const b = new FileSecretStore({ path, key: RAW_KEY });
    const { version } = await a.set('k', 'from-a');
    expect((await b.get('k'))?.value.reveal()).toBe('from-a');
    await b.set('k', 'from-b', { ifVersion: version });
    await expect(a.set('k', 'stale', { ifVersion: version })).rejects.toThrow(/Version conflict/);
    expect((await a.get('k'))?.value.reveal()).toBe('from-b');
  });

  it('stays usable after dispose()', async () => {
    const options: FileSecretStoreOptions = { path: await tempPath(), key: PASSPHRASE };
    const store = new FileSecretStore(options);
    await store.set('k', 'v');
    await store.dispose();
    expect((await store.get('k'))?.value.reveal()).toBe('v');
  });
});
