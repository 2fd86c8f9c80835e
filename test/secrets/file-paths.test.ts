// Where the file stores write: through symbolic links (to the file or to its folder) they write to
// the link's target, so the two never diverge; a directory, an unreadable path or a bad
// collaborator is a ConfigurationError naming the problem, not a raw Node error.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, FileSecretStore, FileStateStore } from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';

const KEY = randomBytes(32);
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edenai-paths-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

type Store = FileSecretStore | FileStateStore;
const STORES = [
  {
    name: 'FileSecretStore',
    open: (path: string) => new FileSecretStore({ path, key: KEY }),
    write: (s: Store, value: string) => (s as FileSecretStore).set('k', value),
    read: async (s: Store) => (await (s as FileSecretStore).get('k'))?.value.reveal(),
  },
  {
    name: 'FileStateStore',
    open: (path: string) => new FileStateStore({ path }),
    write: (s: Store, value: string) => (s as FileStateStore).set('k', value),
    read: async (s: Store) => (await (s as FileStateStore).get<string>('k'))?.value,
  },
] as const;

describe.each(STORES)('$name paths', ({ open, write, read }) => {
  it('writes through a symbolic link to the file: the target changes, the link stays a link', async () => {
    const dir = await tempDir();
    const target = join(dir, 'real.db');
    const link = join(dir, 'link.db');
    await write(open(target), 'old');
    await symlink(target, link);
    await write(open(link), 'new');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await read(open(target))).toBe('new');
    expect(await read(open(link))).toBe('new');
    // Writes through the target are seen through the link too: one file, never two.
    await write(open(target), 'newer');
    expect(await read(open(link))).toBe('newer');
  });

  it('writes through a link whose target does not exist yet (created there)', async () => {
    const dir = await tempDir();
    const target = join(dir, 'later', 'real.db');
    const link = join(dir, 'link.db');
    await mkdir(join(dir, 'later'));
    await symlink(target, link);
    await write(open(link), 'first');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await read(open(target))).toBe('first');
  });

  it('writes through a symbolic link to its folder', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'real'));
    await symlink(join(dir, 'real'), join(dir, 'linked'));
    await write(open(join(dir, 'linked', 'store.db')), 'v');
    expect(await read(open(join(dir, 'real', 'store.db')))).toBe('v');
    expect((await lstat(join(dir, 'linked'))).isSymbolicLink()).toBe(true);
  });

  it('a directory at the path is a ConfigurationError naming it, for reads and writes', async () => {
    const dir = await tempDir();
    const store = open(dir);
    for (const attempt of [() => read(store), () => write(store, 'v')]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toBe(
        `File store path ${dir} is a directory: give the path of a file in it`,
      );
    }
  });

  it('a file where a folder is expected, and a link loop, are ConfigurationErrors', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    await expect(write(open(join(dir, 'file', 'store.db')), 'v')).rejects.toBeInstanceOf(ConfigurationError);
    await symlink(join(dir, 'b'), join(dir, 'a'));
    await symlink(join(dir, 'a'), join(dir, 'b'));
    await expect(write(open(join(dir, 'a')), 'v')).rejects.toThrow(/loop of symbolic links/);
    await expect(read(open(join(dir, 'a')))).rejects.toBeInstanceOf(ConfigurationError);
  });

  it.skipIf(process.getuid?.() === 0)('a folder it may not write is a ConfigurationError', async () => {
    const dir = await tempDir();
    await chmod(dir, 0o500);
    try {
      await expect(write(open(join(dir, 'store.db')), 'v')).rejects.toThrow(/not accessible|permissions/);
    } finally {
      await chmod(dir, 0o700);
    }
  });
});

describe('file store collaborators', () => {
  it('are checked at construction', () => {
    for (const make of [
      (o: object) => new FileStateStore({ path: 'x.json', ...o }),
      (o: object) => new FileSecretStore({ path: 'x.db', key: KEY, ...o }),
    ]) {
      expect(() => make({ clock: 'now' })).toThrow(ConfigurationError);
      expect(() => make({ sleep: 5 })).toThrow(/sleep/);
      expect(() => make({ lockStaleMs: -1 })).toThrow(/lockStaleMs/);
      expect(() => make({ lockTimeoutMs: Number.NaN })).toThrow(/lockTimeoutMs/);
    }
    expect(() => new FileSecretStore({ path: 'x.db', keyEnv: 42 as never })).toThrow(/keyEnv/);
  });

  it('the encrypted file behind a link holds no readable value', async () => {
    const dir = await tempDir();
    await symlink(join(dir, 'real.db'), join(dir, 'link.db'));
    await new FileSecretStore({ path: join(dir, 'link.db'), key: KEY }).set(
      'k',
      'sk-eden-live-LINKED-0123456789',
    );
    expect(await readFile(join(dir, 'real.db'), 'utf8')).not.toContain('LINKED');
  });
});
