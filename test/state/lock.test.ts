import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore } from 'edenai-token-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLock, type LockOptions } from '../../src/stores/file-io.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edenai-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A clock that only moves when the code under test sleeps: no real waiting. */
function fakeTime(start = Date.parse('2025-06-01T12:00:00Z')) {
  let now = start;
  const slept: number[] = [];
  return {
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    slept,
  };
}

const holder = (time: Date, token = 'other') =>
  JSON.stringify({ pid: 424242, host: hostname(), time: time.toISOString(), token });

describe('FileLock', () => {
  it('is exclusive: a second holder waits, and gives up with a message naming the holder', async () => {
    const t = fakeTime();
    const options: LockOptions = { staleMs: 10_000, timeoutMs: 500, ...t };
    const path = join(dir, 'x.lock');
    const first = await FileLock.acquire(path, options);
    const error = await FileLock.acquire(path, options).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(`^Timed out after 500 ms waiting for the lock .*x\\.lock \\(held by pid ${process.pid} on `),
    );
    expect(t.slept.length).toBeGreaterThan(3);
    await first.release();
    await (await FileLock.acquire(path, options)).release();
  });

  it('takes over a lock whose holder stopped updating it once it is older than staleMs', async () => {
    const t = fakeTime();
    const path = join(dir, 'x.lock');
    await writeFile(path, holder(t.clock()));
    const lock = await FileLock.acquire(path, { staleMs: 1_000, timeoutMs: 60_000, ...t });
    // It waited (on the fake clock) until the dead holder's lock was stale, not longer.
    const waited = t.slept.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(1_000);
    expect(waited).toBeLessThan(1_200);
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over an unreadable lock file by its age on disk', async () => {
    const t = fakeTime(Date.now());
    const path = join(dir, 'x.lock');
    await writeFile(path, '{"pid":');
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const lock = await FileLock.acquire(path, { staleMs: 10_000, timeoutMs: 1_000, ...t });
    expect(t.slept).toEqual([]);
    await lock.release();
  });

  it('a holder whose lock was taken over finds out before writing and does not release the new lock', async () => {
    const t = fakeTime();
    const path = join(dir, 'x.lock');
    const lock = await FileLock.acquire(path, { staleMs: 1_000, timeoutMs: 1_000, ...t });
    await lock.assertHeld();
    await writeFile(path, holder(t.clock(), 'successor'));
    await expect(lock.assertHeld()).rejects.toThrow(/^Lost the lock .*another process took it over/);
    await lock.release();
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe('successor');
  });
});

describe('file stores and a dead lock', () => {
  it('a write takes over a stale lock after lockStaleMs on the injected clock', async () => {
    const t = fakeTime();
    const path = join(dir, 'state.json');
    await writeFile(`${path}.lock`, holder(t.clock()));
    const store = new FileStateStore({ path, lockStaleMs: 5_000, ...t });
    await store.set('k', 1);
    expect((await store.get('k'))?.value).toBe(1);
    expect(t.slept.reduce((a, b) => a + b, 0)).toBeGreaterThan(5_000);
  });

  it('a write behind a live lock times out and changes nothing', async () => {
    const t = fakeTime();
    const path = join(dir, 'state.json');
    const store = new FileStateStore({ path, lockStaleMs: 5_000, lockTimeoutMs: 2_000, ...t });
    await store.set('k', 1);
    await writeFile(`${path}.lock`, holder(t.clock()));
    await expect(store.set('k', 2)).rejects.toThrow(/Timed out after 2000 ms waiting for the lock/);
    expect((await store.get('k'))?.value).toBe(1);
  });
});
