// Delivery: handing each notifier its batch, and remembering which notifier accepted which alert
// so that each alert is sent once.

import { VersionConflictError } from '../core/errors.js';
import type { Logger } from '../core/types.js';
import type { Alert, Notifier } from '../ports/notifier.js';
import type { StateStore } from '../ports/stores.js';
import type { NotifierFailure } from './types.js';

export interface DeliveryOutcome {
  /** Notifiers that accepted their batch, with that batch. */
  accepted: { notifier: Notifier; alerts: Alert[] }[];
  failures: NotifierFailure[];
}

/**
 * Hands each notifier its batch, all at once: a slow or failing notifier neither delays nor
 * stops the others, and a throw (even a synchronous one) becomes a listed failure.
 */
export async function deliver(
  batches: readonly { notifier: Notifier; alerts: Alert[] }[],
  logger: Logger,
): Promise<DeliveryOutcome> {
  const settled = await Promise.allSettled(
    batches.map(async ({ notifier, alerts }) => {
      await notifier.notify(alerts);
    }),
  );
  const outcome: DeliveryOutcome = { accepted: [], failures: [] };
  settled.forEach((result, i) => {
    const batch = batches[i]!;
    if (result.status === 'fulfilled') outcome.accepted.push(batch);
    else {
      const error = result.reason instanceof Error ? result.reason : new Error(String(result.reason));
      outcome.failures.push({ notifier: batch.notifier.name, error });
      logger.warn('alerts: notifier failed; it will be retried next run', {
        notifier: batch.notifier.name,
        alerts: batch.alerts.length,
        error: error.message,
      });
    }
  });
  return outcome;
}

const PREFIX = 'alerts/sent/';
/** Re-reads and re-applies our changes this many times when another run wrote meanwhile. */
const MAX_MERGES = 5;

/**
 * The stored form: delivery time (ISO) → ids of the alerts this notifier accepted then. Grouped
 * by time (one run delivers many alerts at once), so the entry stays small and cheap to copy.
 */
type Marks = Record<string, string[]>;

function toMap(stored: Marks | undefined): Map<string, string> {
  const marks = new Map<string, string>();
  if (stored) for (const [at, ids] of Object.entries(stored)) for (const id of ids) marks.set(id, at);
  return marks;
}

function fromMap(marks: Map<string, string>): Marks {
  const out: Marks = {};
  for (const [id, at] of marks) {
    const ids = out[at];
    if (ids) ids.push(id);
    else out[at] = [id];
  }
  return out;
}

interface NotifierMarks {
  key: string;
  version: string | null;
  marks: Map<string, string>;
  added: Map<string, string>;
  removed: Set<string>;
}

/**
 * Which notifier already accepted which alert: one state entry per notifier,
 * `alerts/sent/<notifier>` → `{ [deliveredAt]: alertIds }`. A run reads them with one `list()` and a
 * `get()` per notifier, and writes back only the entries that changed, so even a file-backed store
 * does a handful of writes per run whatever the number of tokens. Writes are compare-and-set: when
 * another run wrote meanwhile, our additions and removals are re-applied to its version.
 * A mark whose alert no longer holds is removed, so the alert is sent again if it comes back.
 */
export class DeliveryLedger {
  private constructor(
    private readonly state: StateStore,
    private readonly byNotifier: Map<string, NotifierMarks>,
  ) {}

  static async load(state: StateStore): Promise<DeliveryLedger> {
    const keys = (await state.list(PREFIX)).filter((k) => k.indexOf('/', PREFIX.length) === -1);
    const entries = await Promise.all(keys.map((key) => state.get<Marks>(key)));
    const byNotifier = new Map<string, NotifierMarks>();
    keys.forEach((key, i) => {
      const entry = entries[i];
      if (!entry) return;
      byNotifier.set(decodeURIComponent(key.slice(PREFIX.length)), {
        key,
        version: entry.version,
        marks: toMap(entry.value),
        added: new Map(),
        removed: new Set(),
      });
    });
    return new DeliveryLedger(state, byNotifier);
  }

  /**
   * The alerts `notifier` still has to receive: never accepted, or accepted at least
   * `repeatEveryMs(alert)` ms ago.
   */
  pending(
    notifier: string,
    alerts: readonly Alert[],
    repeatEveryMs: (alert: Alert) => number | null,
    nowMs: number,
  ) {
    const marks = this.byNotifier.get(notifier)?.marks;
    if (!marks) return [...alerts];
    const out: Alert[] = [];
    for (const alert of alerts) {
      const at = marks.get(alert.id);
      if (at === undefined) out.push(alert);
      else {
        const every = repeatEveryMs(alert);
        if (every !== null && !(nowMs - Date.parse(at) < every)) out.push(alert);
      }
    }
    return out;
  }

  markDelivered(notifier: string, alerts: readonly Alert[], at: Date): void {
    const n = this.forNotifier(notifier);
    const iso = at.toISOString();
    for (const a of alerts) {
      n.marks.set(a.id, iso);
      n.added.set(a.id, iso);
      n.removed.delete(a.id);
    }
  }

  /** Forgets the alerts that no longer hold (unless `keep(id)`: their condition is unknown this run). */
  clearResolved(active: ReadonlySet<string>, keep: (id: string) => boolean): void {
    for (const n of this.byNotifier.values()) {
      for (const id of n.marks.keys()) {
        if (active.has(id) || keep(id)) continue;
        n.marks.delete(id);
        n.added.delete(id);
        n.removed.add(id);
      }
    }
  }

  /** Writes the notifiers whose marks changed. */
  async save(): Promise<void> {
    await Promise.all([...this.byNotifier.values()].map((n) => this.saveOne(n)));
  }

  private forNotifier(notifier: string): NotifierMarks {
    let n = this.byNotifier.get(notifier);
    if (!n) {
      n = {
        key: PREFIX + encodeURIComponent(notifier),
        version: null,
        marks: new Map(),
        added: new Map(),
        removed: new Set(),
      };
      this.byNotifier.set(notifier, n);
    }
    return n;
  }

  private async saveOne(n: NotifierMarks): Promise<void> {
    if (n.added.size === 0 && n.removed.size === 0) return;
    let { marks, version } = n;
    for (let attempt = 0; ; attempt++) {
      try {
        if (marks.size === 0) {
          if (version !== null) await this.state.delete(n.key, { ifVersion: version });
        } else {
          await this.state.set(n.key, fromMap(marks), { ifVersion: version });
        }
        return;
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= MAX_MERGES) throw error;
        // Another run wrote meanwhile: apply our changes on top of its version.
        const theirs = await this.state.get<Marks>(n.key);
        version = theirs?.version ?? null;
        marks = toMap(theirs?.value);
        for (const id of n.removed) marks.delete(id);
        for (const [id, at] of n.added) marks.set(id, at);
      }
    }
  }
}
