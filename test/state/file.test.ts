import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigurationError, FileStateStore } from 'edenai-token-manager';
import { stateStoreConformance } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runCasWorkers } from '../secrets/fixtures/cas-workers.js';

const dirs: string[] = [];
async function tempPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edenai-state-'));
  dirs.push(dir);
  return join(dir, 'state.json');
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

stateStoreConformance({
  name: 'FileStateStore',
  create: async () => new FileStateStore({ path: await tempPath() }),
  cleanup: (store) => rm(dirname(store.path), { recursive: true, force: true }),
  describe,
  it,
});

describe('FileStateStore file', () => {
  it('is readable JSON with mode 0600', async () => {
    const path = await tempPath();
    const store = new FileStateStore({ path });
    const { version } = await store.set('rotation/prod-web', { step: 'created' });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      format: 'edenai-token-manager/state@1',
      rev: 1,
      entries: { 'rotation/prod-web': { value: { step: 'created' }, version } },
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('a corrupted or foreign file is a clear ConfigurationError', async () => {
    const path = await tempPath();
    const store = new FileStateStore({ path });
    await writeFile(path, '{"format":"edenai-token-manager/state@1","rev":1,"entr');
    await expect(store.get('k')).rejects.toThrow(
      new ConfigurationError(`State file ${path} is corrupted: it is not valid JSON`),
    );
    await writeFile(path, '{"hello":"world"}');
    await expect(store.list()).rejects.toThrow('is not an edenai-token-manager state file');
    await writeFile(path, '{"format":"edenai-token-manager/state@1","rev":1,"entries":{"k":{"value":1}}}');
    await expect(store.get('k')).rejects.toThrow('entry "k" is malformed');
    // A write never replaces a file it cannot read.
    await expect(store.set('k', 2)).rejects.toThrow(ConfigurationError);
    expect(await readFile(path, 'utf8')).toContain('"value":1}');
  });

  it('a crash before the rename leaves the old content readable', async () => {
    const path = await tempPath();
    const store = new FileStateStore({ path });
    await store.set('k', { n: 1 });
    await writeFile(join(dirname(path), '.state.json.4242.cafebabe.tmp'), '{"format":"edenai-tok');
    expect((await new FileStateStore({ path }).get('k'))?.value).toEqual({ n: 1 });
    await new FileStateStore({ path }).set('k', { n: 2 });
    expect((await store.get('k'))?.value).toEqual({ n: 2 });
    expect(await readdir(dirname(path))).toEqual(['state.json']);
  });

  it('two processes doing 50 compare-and-set increments each lose no update', async () => {
    const path = await tempPath();
    const reports = await runCasWorkers(2, ['state', path, '50'], {});
    expect(reports.map((r) => r.applied)).toEqual([50, 50]);
    expect((await new FileStateStore({ path }).get('counter'))?.value).toBe(100);
  }, 60_000);
});
