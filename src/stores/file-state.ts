import type { JsonValue } from 'type-fest';
import { ConfigurationError } from '../core/errors.js';
import type { DeleteOptions, StateStore, StoredState, WriteOptions } from '../ports/stores.js';
import { assertIfVersion, assertKey } from './internal/cas.js';
import { DocumentFile, type FileStoreOptions } from './internal/document-file.js';
import { type EntriesDoc, EntriesFile } from './internal/entries-file.js';
import { cloneJson } from './internal/json.js';

export type { FileStoreOptions } from './internal/document-file.js';

const FORMAT = 'edenai-token-manager/state@1';

interface StateEntry {
  value: JsonValue;
  version: string;
}

/**
 * A `StateStore` in one plain JSON file (mode 0600), shared safely by several processes:
 * writes go to a temp file that is fsynced and renamed over the old one, under a lock file
 * (`<path>.lock`, taken over when older than `lockStaleMs`). A crash mid-write leaves the
 * previous content readable.
 *
 * @example
 * const state = new FileStateStore({ path: '.edenai-tokens/state.json' });
 * const current = await state.get('alerts/dedupe');
 * await state.set('alerts/dedupe', { sent: ['exp-14d'] }, { ifVersion: current?.version ?? null });
 */
export class FileStateStore implements StateStore {
  readonly #store: EntriesFile<StateEntry>;

  constructor(options: FileStoreOptions) {
    const file: DocumentFile<EntriesDoc<StateEntry>> = new DocumentFile(options, {
      decode: (bytes) => decodeState(bytes, file.path),
      encode: ({ rev, entries }) =>
        Buffer.from(
          `${JSON.stringify({ format: FORMAT, rev, entries: Object.fromEntries(entries) }, null, 2)}\n`,
        ),
    });
    this.#store = new EntriesFile(file);
  }

  /** The resolved path of the state file. */
  get path(): string {
    return this.#store.file.path;
  }

  async get<T extends JsonValue = JsonValue>(key: string): Promise<StoredState<T> | undefined> {
    assertKey(key);
    const entry = await this.#store.get(key);
    return entry && { value: cloneJson(entry.value) as T, version: entry.version };
  }

  async set(key: string, value: JsonValue, options: Pick<WriteOptions, 'ifVersion'> = {}) {
    assertKey(key);
    assertIfVersion(options.ifVersion, true);
    const copy = cloneJson(value);
    return {
      version: await this.#store.set(key, (version) => ({ value: copy, version }), options.ifVersion),
    };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<boolean> {
    assertKey(key);
    assertIfVersion(options.ifVersion, false);
    return this.#store.delete(key, options.ifVersion);
  }

  list(prefix?: string): Promise<string[]> {
    return this.#store.list(prefix);
  }
}

function decodeState(bytes: Buffer, path: string): EntriesDoc<StateEntry> {
  let doc: { format?: unknown; rev?: unknown; entries?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ConfigurationError(`State file ${path} is corrupted: it is not valid JSON`);
  }
  if (doc?.format !== FORMAT) {
    throw new ConfigurationError(
      `${path} is not an edenai-token-manager state file (expected format "${FORMAT}")`,
    );
  }
  const entries = doc.entries;
  if (typeof doc.rev !== 'number' || typeof entries !== 'object' || entries === null) {
    throw new ConfigurationError(`State file ${path} is corrupted: missing "rev" or "entries"`);
  }
  const map = new Map<string, StateEntry>();
  for (const [key, entry] of Object.entries(entries as Record<string, Partial<StateEntry>>)) {
    if (typeof entry?.version !== 'string' || !('value' in entry)) {
      throw new ConfigurationError(
        `State file ${path} is corrupted: entry ${JSON.stringify(key)} is malformed`,
      );
    }
    map.set(key, { value: entry.value as JsonValue, version: entry.version });
  }
  return { rev: doc.rev, entries: map };
}
