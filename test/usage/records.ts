import type { UsageRecord } from 'edenai-token-manager';

/** A usage record with one provider; `provider` defaults to openai. */
export function rec(
  token: string,
  date: string,
  totalCost: number,
  calls = 1,
  feature = 'text__chat',
  provider = 'openai',
): UsageRecord {
  return { token, date, feature, totalCost, calls, costPerProvider: { [provider]: totalCost } };
}

/** Wraps a source and records every query it receives. */
export function counting<S extends import('../../src/ports/usage.js').UsageSource>(source: S) {
  const queries: import('../../src/ports/usage.js').UsageQuery[] = [];
  return {
    queries,
    source: {
      usage(q: import('../../src/ports/usage.js').UsageQuery) {
        queries.push(q);
        return source.usage(q);
      },
    },
  };
}
