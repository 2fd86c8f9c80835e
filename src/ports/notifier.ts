export type Severity = 'info' | 'warning' | 'critical';

/** What an alert is about. */
export type AlertKind =
  | 'expiring'
  | 'expired'
  | 'low-balance'
  | 'budget-threshold'
  | 'exhaustion-forecast'
  | 'policy-violation'
  | 'unmanaged-token'
  | 'rotation-failed'
  | 'low-credits'
  | 'budgets-exceed-credits'
  | 'leaked-token'
  | 'usage-anomaly'
  | 'stale-token';

/**
 * One condition that holds now. `id` is derived from kind, token generation, threshold and budget
 * period: it is the dedupe key, so the same condition always has the same id. Never carries a
 * token value: only names, amounts and dates.
 *
 * @example
 * // {
 * //   id: 'expiring:prod-web-app:g1:7d', kind: 'expiring', severity: 'warning',
 * //   token: 'prod-web-app', tokenName: 'prod-web-app', generation: 1, environment: 'prod',
 * //   message: 'prod-web-app expires in 7 days (2024-03-08)', at: Date, threshold: 7, daysToExpiry: 7,
 * // }
 */
export interface Alert {
  id: string;
  kind: AlertKind;
  severity: Severity;
  /** Logical token name (`prod-web-app`); for an unmanaged token, its Eden name; `account` for the account. */
  token: string;
  /** Eden name of the generation the alert is about (`prod-web-app--g2`). */
  tokenName: string;
  generation: number;
  /** Environment name, `unmanaged`, or `account` (alerts about the account's credits). */
  environment: string;
  /** One human sentence. */
  message: string;
  /** When the condition was evaluated. */
  at: Date;
  /** Days (expiry), fraction of the budget used (budget) or left (low balance). */
  threshold?: number;
  /** Budget period key (`2024-05`, `2024-05-13`…, or `generation` when the budget never resets). */
  period?: string;
  balance?: number | null;
  budget?: number | null;
  daysToExpiry?: number | null;
  /** The broken policy rule (`expiry.required`, `budget.max`, `tokenType`…). */
  rule?: string;
}

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
