// Money is summed as integer nano-dollars: adding a million 0.0001 floats drifts, adding a
// million 100_000 integers does not. Integers stay exact up to 2^53 nanos (about $9 million per
// sum), far above any token budget (Eden caps a balance at 99,999).

const NANOS_PER_USD = 1_000_000_000;

/** USD (float) → nano-dollars, rounded to the nearest nano. */
export function toNanos(usd: number): number {
  return Math.round(usd * NANOS_PER_USD);
}

/** Nano-dollars → USD: the nearest double to the exact decimal amount. */
export function fromNanos(nanos: number): number {
  return nanos / NANOS_PER_USD;
}

/** Average cost per call in USD; 0 when there were no calls. */
export function averagePerCall(nanos: number, calls: number): number {
  return calls > 0 ? nanos / calls / NANOS_PER_USD : 0;
}
