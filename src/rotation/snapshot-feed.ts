// The token data of a bulk run: one list for the whole run, refreshed (once, shared) only when a
// token's turn comes too long after it, so a budget split is never computed from an old balance.
import { NotFoundError } from '../core/errors.js';
import type { Clock } from '../core/types.js';
import type { ManagedToken } from '../registry/types.js';

export interface Snapshot {
  token: ManagedToken;
  /** When the list that produced `token` was requested. */
  takenAt: Date;
}

/** The token changed (another rotation ran) after the list this run is working from. */
export class StaleSnapshot extends Error {
  override name = 'StaleSnapshot';
}

export class SnapshotFeed {
  #byName = new Map<string, ManagedToken>();
  #takenAt = new Date(0);
  #refreshing: Promise<ManagedToken[]> | undefined;
  /** How many lists this feed made. */
  lists = 0;

  constructor(
    private readonly list: () => Promise<{ managed: ManagedToken[] }>,
    private readonly clock: Clock,
    private readonly maxAgeMs: number,
  ) {}

  /** Lists every token (one backend call). Concurrent callers share one list. */
  load(): Promise<ManagedToken[]> {
    this.#refreshing ??= this.#load().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #load(): Promise<ManagedToken[]> {
    const takenAt = this.clock();
    this.lists++;
    const { managed } = await this.list();
    this.#byName = new Map(managed.map((t) => [t.name, t]));
    this.#takenAt = takenAt;
    return managed;
  }

  /** One token, from a list no older than `maxAgeMs`; `NotFoundError` when it is gone. */
  async get(name: string): Promise<Snapshot> {
    if (this.clock().getTime() - this.#takenAt.getTime() > this.maxAgeMs) await this.load();
    const token = this.#byName.get(name);
    if (!token) throw new NotFoundError(`Token "${name}" not found`);
    return { token, takenAt: this.#takenAt };
  }
}
