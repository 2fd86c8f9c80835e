// FileSecretStore / FileStateStore throughput beside the in-memory reference, in one run.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSecretStore, FileStateStore, MemorySecretStore, MemoryStateStore } from 'edenai-token-manager';

const SETS = 500;
const GETS = 2_000;
const KEYS = 50;
const ROUNDS = 3;

interface Store {
  set(key: string, value: never): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

async function opsPerSecond(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await op(i);
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function measure(store: Store, value: (i: number) => unknown) {
  const set = (i: number) => store.set(`edenai/app-${i % KEYS}`, value(i) as never);
  await opsPerSecond(20, set); // warm up (and derive keys, create files)
  const sets = await opsPerSecond(SETS, set);
  const gets = await opsPerSecond(GETS, (i) => store.get(`edenai/app-${i % KEYS}`));
  return { sets, gets };
}

export default async function (): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'edenai-bench-stores-'));
  try {
    const token = (i: number) => `tok_live_${randomBytes(16).toString('hex')}_${i}`;
    const state = (i: number) => ({ step: 'promoted', generation: i, at: new Date(0).toISOString() });
    const subjects = [
      ['MemorySecretStore', new MemorySecretStore(), token],
      ['FileSecretStore', new FileSecretStore({ path: join(dir, 's.enc'), key: randomBytes(32) }), token],
      ['MemoryStateStore', new MemoryStateStore(), state],
      ['FileStateStore', new FileStateStore({ path: join(dir, 'state.json') }), state],
    ] as const;
    // Rounds alternate between the stores and each keeps its best round: the machine is shared.
    const best = subjects.map(() => ({ sets: 0, gets: 0 }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [, store, value]] of subjects.entries()) {
        const r = await measure(store as Store, value);
        best[i] = { sets: Math.max(best[i]!.sets, r.sets), gets: Math.max(best[i]!.gets, r.gets) };
      }
    }
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(11);
    console.log(
      `${KEYS} keys; ${SETS} sequential sets, ${GETS} sequential gets, best of ${ROUNDS} rounds (file stores fsync each write)`,
    );
    console.log(`${'store'.padEnd(18)} ${'set ops/s'.padStart(11)} ${'get ops/s'.padStart(11)}`);
    for (const [i, [name]] of subjects.entries())
      console.log(`${name.padEnd(18)} ${fmt(best[i]!.sets)} ${fmt(best[i]!.gets)}`);
    for (const [file, memory] of [
      [1, 0],
      [3, 2],
    ] as const) {
      const ratio = (k: 'sets' | 'gets') => (best[file]![k] / best[memory]![k]).toFixed(4);
      console.log(
        `${subjects[file][0]} / ${subjects[memory][0]}: set ${ratio('sets')}×, get ${ratio('gets')}×`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
