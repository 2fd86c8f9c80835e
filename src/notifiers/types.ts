import type { Alert } from '../alerts/types.js';

/**
 * Where alerts go. `notify` receives every alert this notifier has not yet accepted, in one batch;
 * resolving means "accepted", throwing means "try again next run" (the AlertSystem keeps a mark per
 * notifier, so the other notifiers are not sent duplicates).
 *
 * @example
 * const pager: Notifier = {
 *   name: 'pager',
 *   async notify(alerts) {
 *     for (const a of alerts) if (a.severity === 'critical') await page(a.message);
 *   },
 * };
 */
export interface Notifier {
  /** Stable and unique among an AlertSystem's notifiers: it keys the delivery marks. */
  readonly name: string;
  notify(alerts: Alert[]): Promise<void>;
}
