import type { StateStore } from '../state/types.js';
import { eachLimit } from './each-limit.js';
import type { Alert } from './types.js';

const PREFIX = 'alerts/sent/';
/** State writes in flight at once: fast on memory, polite to remote stores. */
const WRITE_CONCURRENCY = 32;

type Mark = {
  at: string;
};

/**
 * Which notifier already accepted which alert: one state key per (notifier, alert id),
 * `alerts/sent/<notifier>/<alert id>`. One `list()` per run tells what was delivered; values
 * (the delivery time) are read only for alerts that may repeat (`repeatEvery`).
 * A mark whose alert no longer holds is deleted, so the alert is sent again if it comes back.
 */
export class DeliveryLedger {
  /** notifier → alert id → state key */
  private constructor(
    private readonly state: StateStore,
    private readonly marks: Map<string, Map<string, string>>,
  ) {}

  static async load(state: StateStore): Promise<DeliveryLedger> {
    const marks = new Map<string, Map<string, string>>();
    let segment = '';
    let ids: Map<string, string> | undefined;
    for (const key of await state.list(PREFIX)) {
      const slash = key.indexOf('/', PREFIX.length);
      if (slash <= PREFIX.length) continue;
      // Keys come sorted, so one notifier's marks are contiguous: decode its name once.
      if (!ids || !key.startsWith(segment)) {
        segment = key.slice(0, slash + 1);
        const notifier = decodeURIComponent(key.slice(PREFIX.length, slash));
        ids = marks.get(notifier);
        if (!ids) {
          ids = new Map();
          marks.set(notifier, ids);
        }
      }
      ids.set(key.slice(slash + 1), key);
    }
    return new DeliveryLedger(state, marks);
  }

  /**
   * The alerts `notifier` still has to receive: never delivered, or delivered at least
   * `repeatEvery(alert)` ms ago.
   */
  async pending(
    notifier: string,
    alerts: readonly Alert[],
    repeatEvery: (alert: Alert) => number | null,
    nowMs: number,
  ): Promise<Alert[]> {
    const ids = this.marks.get(notifier);
    const out: Alert[] = [];
    const recheck: { alert: Alert; key: string; every: number }[] = [];
    for (const alert of alerts) {
      const key = ids?.get(alert.id);
      if (key === undefined) out.push(alert);
      else {
        const every = repeatEvery(alert);
        if (every !== null) recheck.push({ alert, key, every });
      }
    }
    if (recheck.length > 0) {
      const due = new Set<Alert>();
      await eachLimit(recheck, WRITE_CONCURRENCY, async ({ alert, key, every }) => {
        const at = Date.parse((await this.state.get<Mark>(key))?.value?.at ?? '');
        if (!(nowMs - at < every)) due.add(alert);
      });
      // Keep the evaluation order, whatever order the reads finished in.
      for (const { alert } of recheck) if (due.has(alert)) out.push(alert);
    }
    return out;
  }

  async markDelivered(notifier: string, alerts: readonly Alert[], at: Date): Promise<void> {
    const value: Mark = { at: at.toISOString() };
    const prefix = `${PREFIX}${encodeURIComponent(notifier)}/`;
    await eachLimit(alerts, WRITE_CONCURRENCY, (a) => this.state.set(prefix + a.id, value));
  }

  /** Deletes the marks of alerts that no longer hold (unless `keep(id)`: their condition is unknown). */
  async clearResolved(active: ReadonlySet<string>, keep: (id: string) => boolean): Promise<number> {
    const stale: string[] = [];
    for (const ids of this.marks.values()) {
      for (const [id, key] of ids) if (!active.has(id) && !keep(id)) stale.push(key);
    }
    await eachLimit(stale, WRITE_CONCURRENCY, (key) => this.state.delete(key));
    return stale.length;
  }
}
