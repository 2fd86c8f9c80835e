// FileSecretStore / FileStateStore throughput beside the in-memory reference, in one run.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSecretStore } from '../src/secrets/file.js';
import { MemorySecretStore } from '../src/secrets/memory.js';
import { FileStateStore } from '../src/state/file.js';
import { MemoryStateStore } from '../src/state/memory.js';

const SETS = 500;
const GETS = 2_000;
const KEYS = 50;

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
    const rows = [
      ['MemorySecretStore', await measure(new MemorySecretStore(), token)],
      [
        'FileSecretStore',
        await measure(new FileSecretStore({ path: join(dir, 's.enc'), key: randomBytes(32) }), token),
      ],
      ['MemoryStateStore', await measure(new MemoryStateStore(), state)],
      ['FileStateStore', await measure(new FileStateStore({ path: join(dir, 'state.json') }), state)],
    ] as const;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(11);
    console.log(
      `${KEYS} keys; ${SETS} sequential sets, ${GETS} sequential gets (file stores fsync each write)`,
    );
    console.log(`${'store'.padEnd(18)} ${'set ops/s'.padStart(11)} ${'get ops/s'.padStart(11)}`);
    for (const [name, r] of rows) console.log(`${name.padEnd(18)} ${fmt(r.sets)} ${fmt(r.gets)}`);
    for (const [file, memory] of [
      [rows[1], rows[0]],
      [rows[3], rows[2]],
    ] as const) {
      console.log(
        `${file[0]} / ${memory[0]}: set ${(file[1].sets / memory[1].sets).toFixed(4)}×, get ${(file[1].gets / memory[1].gets).toFixed(4)}×`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
