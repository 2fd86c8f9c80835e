import type { ResetPeriod } from '../ports/backend.js';
import type { ManagedToken } from '../registry/types.js';
import type { Alert, AlertKind, Severity } from './types.js';

/** What every check needs about "now"; built once per evaluation. */
export interface CheckContext {
  now: Date;
  nowMs: number;
  /** Budget period key of each reset period (see `periodKeys`). */
  periods: Record<ResetPeriod, string>;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/**
 * Stable dedupe id: kind, logical token, generation, then threshold and period when they matter.
 * Parts are URI-encoded so an id never contains `/` (it is part of a state key).
 * `expiring:prod-web-app:g2:7d`, `budget-threshold:prod-web-app:g1:75pct:2024-05`.
 */
export function alertId(
  kind: AlertKind,
  token: string,
  generation: number,
  part1?: string,
  part2?: string,
): string {
  let id = `${kind}:${safe(token)}:g${generation}`;
  if (part1 !== undefined) id += `:${safe(part1)}`;
  if (part2 !== undefined) id += `:${safe(part2)}`;
  return id;
}

/** Token names and period keys are already URI-safe: skip the encoder for them (hot path). */
const SAFE = /^[A-Za-z0-9_.-]*$/;
function safe(part: string): string {
  return SAFE.test(part) ? part : encodeURIComponent(part);
}

/** The fields every alert about a managed token shares (`part1`/`part2` extend the id). */
export function tokenAlert(
  t: ManagedToken,
  kind: AlertKind,
  severity: Severity,
  message: string,
  ctx: CheckContext,
  part1: string | undefined,
  part2: string | undefined,
  extra: Partial<Alert>,
): Alert {
  const alert: Alert = {
    id: alertId(kind, t.name, t.generation, part1, part2),
    kind,
    severity,
    token: t.name,
    tokenName: t.tokenName,
    generation: t.generation,
    environment: t.environment,
    message,
    at: ctx.now,
  };
  return Object.assign(alert, extra);
}

/** Appends to a list created on first use, so healthy tokens allocate no alert list. */
export function append(list: Alert[] | undefined, alert: Alert | undefined): Alert[] | undefined {
  if (!alert) return list;
  if (!list) return [alert];
  list.push(alert);
  return list;
}

/** `$1,234.50`-free tutorial style: `$1234.50`. */
export function usd(amount: number): string {
  return amount < 0 ? `-$${(-amount).toFixed(2)}` : `$${amount.toFixed(2)}`;
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10} %`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
