// A SecretStore of your own, in ~60 lines: entries in a JSON file (plaintext, for illustration;
// FileSecretStore is the encrypted, multi-process built-in). Prove it with secretStoreConformance.
// Run: node --import tsx examples/custom-secret-store.ts
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  Secret,
  type SecretStore,
  type StoredSecret,
  VersionConflictError,
  type WriteOptions,
} from 'edenai-token-manager';

type Entry = { value: string; version: string; metadata?: StoredSecret['metadata'] };

export class JsonFileSecretStore implements SecretStore {
  #queue: Promise<unknown> = Promise.resolve(); // one writer at a time (this process only)
  constructor(private readonly path: string) {}

  async get(key: string): Promise<StoredSecret | undefined> {
    const entry = (await this.#read())[key];
    return entry && { value: new Secret(entry.value), version: entry.version, metadata: entry.metadata };
  }

  set(key: string, value: Secret | string, { ifVersion, metadata }: WriteOptions = {}) {
    return this.#write((entries) => {
      this.#check(key, entries[key], ifVersion);
      const version = randomUUID(); // new on every write, never reused
      const raw = typeof value === 'string' ? value : value.reveal();
      entries[key] = { value: raw, version, ...(metadata && { metadata }) };
      return { version };
    });
  }

  delete(key: string, { ifVersion }: { ifVersion?: string } = {}) {
    return this.#write((entries) => {
      this.#check(key, entries[key], ifVersion);
      return key in entries && delete entries[key];
    });
  }

  async list(prefix = ''): Promise<string[]> {
    return Object.keys(await this.#read())
      .filter((k) => k.startsWith(prefix))
      .sort();
  }

  #check(key: string, current: Entry | undefined, ifVersion: string | null | undefined) {
    if (ifVersion !== undefined && ifVersion !== (current?.version ?? null)) {
      throw new VersionConflictError(key, ifVersion, current?.version ?? null);
    }
  }

  async #read(): Promise<Record<string, Entry>> {
    const text = await readFile(this.path, 'utf8').catch((e) =>
      e.code === 'ENOENT' ? '{}' : Promise.reject(e),
    );
    return Object.assign(Object.create(null), JSON.parse(text)); // no prototype: any key is a plain key
  }

  // Read, change, write a temp file and rename it over the old one: readers never see half a file.
  #write<R>(change: (entries: Record<string, Entry>) => R): Promise<R> {
    const run = async () => {
      const entries = await this.#read();
      const result = change(entries);
      await writeFile(`${this.path}.tmp`, JSON.stringify(entries), { mode: 0o600 });
      await rename(`${this.path}.tmp`, this.path);
      return result;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const store = new JsonFileSecretStore(join(await mkdtemp(join(tmpdir(), 'custom-store-')), 'secrets.json'));
  const { version } = await store.set('edenai/prod-web-app', 'tok_example_value', { ifVersion: null });
  const entry = await store.get('edenai/prod-web-app');
  console.log('stored', entry?.value.toString(), 'version', version); // redacted: [secret fp:…]
  await store
    .set('edenai/prod-web-app', 'tok_other', { ifVersion: 'stale' })
    .catch((e: Error) => console.log(e.message));
  console.log('keys', await store.list('edenai/'));
}
