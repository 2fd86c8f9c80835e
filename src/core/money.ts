// Money: the one home of USD arithmetic. Amounts are exact as integer nano-dollars (Eden keeps 9
// decimals); budget splits use whole cents rounded down, so a split can lose a fraction of a cent,
// never add one.
//
// Money is summed as integer nano-dollars: adding a million 0.0001 floats drifts, adding a
// million 100_000 integers does not. Integers stay exact up to 2^53 nanos (about $9 million per
// sum), far above any token budget (Eden caps a balance at 99,999).

const NANOS_PER_USD = 1_000_000_000;

/** USD (float) → nano-dollars, rounded to the nearest nano; null and non-finite amounts count as 0. */
export function toNanos(usd: number | null | undefined): number {
  return usd === null || usd === undefined || !Number.isFinite(usd) ? 0 : Math.round(usd * NANOS_PER_USD);
}

/** Nano-dollars → USD: the nearest double to the exact decimal amount. */
export function fromNanos(nanos: number): number {
  return nanos / NANOS_PER_USD;
}

/** Average cost per call in USD; 0 when there were no calls. */
export function averagePerCall(nanos: number, calls: number): number {
  return calls > 0 ? nanos / calls / NANOS_PER_USD : 0;
}

/** Nano-dollars → Eden's decimal string form, `"50.000000000"`. */
export function nanosToDecimal(nanos: number): string {
  const abs = Math.abs(nanos);
  const whole = Math.floor(abs / NANOS_PER_USD);
  const frac = abs - whole * NANOS_PER_USD;
  return `${nanos < 0 ? '-' : ''}${whole}.${String(frac).padStart(9, '0')}`;
}

const DECIMAL = /^(-)?(\d*)(?:\.(\d*))?$/;

/** Exact parse of a plain decimal string (`"-12.5"`) into nano-dollars; `undefined` when it is not one. */
export function nanosFromDecimal(text: string): number | undefined {
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const whole = Number(m[2] || '0');
  const frac = Number((m[3] ?? '').slice(0, 9).padEnd(9, '0'));
  const nanos = whole * NANOS_PER_USD + frac;
  return m[1] ? -nanos : nanos;
}

/**
 * USD → whole cents, rounded DOWN (null, negative and non-finite count as 0): a split computed from
 * it can only lose a fraction of a cent, never add one.
 */
export function toCents(usd: number | null | undefined): number {
  if (usd === null || usd === undefined || !Number.isFinite(usd) || usd <= 0) return 0;
  return Math.floor(toNanos(usd) / 1e7);
}

/** Whole cents → USD. */
export function fromCents(cents: number): number {
  return cents / 100;
}
