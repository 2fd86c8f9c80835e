// Money is kept as integer nano-dollars (9 decimals, like Eden's DecimalField) so that balances
// never drift: 87.45 − 0.1 − 0.2 stays exactly 87.15.

const NANOS = 1_000_000_000;

/** USD (float) → nano-dollars, rounded to the nearest nano. */
export function nanosFromUsd(usd: number): number {
  return Math.round(usd * NANOS);
}

/** Nano-dollars → USD as the nearest double (exact for any value with ≤ 9 decimals). */
export function nanosToUsd(nanos: number): number {
  return nanos / NANOS;
}

/** Nano-dollars → Eden's create-response form, `"50.000000000"`. */
export function nanosToDecimal(nanos: number): string {
  const abs = Math.abs(nanos);
  const whole = Math.floor(abs / NANOS);
  const frac = abs - whole * NANOS;
  return `${nanos < 0 ? '-' : ''}${whole}.${String(frac).padStart(9, '0')}`;
}

const DECIMAL = /^(-)?(\d*)(?:\.(\d*))?$/;

/** Exact parse of a plain decimal string (`"-12.5"`); `undefined` when it is not one. */
export function nanosFromDecimal(text: string): number | undefined {
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const whole = Number(m[2] || '0');
  const frac = Number((m[3] ?? '').slice(0, 9).padEnd(9, '0'));
  const nanos = whole * NANOS + frac;
  return m[1] ? -nanos : nanos;
}
