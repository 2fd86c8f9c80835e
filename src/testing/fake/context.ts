// What the request handler and its routes share.
import type { FaultQueue } from './faults.js';
import type { SlidingWindowLimiter } from './rate-limiter.js';
import type { FakeStore } from './store.js';
import type { TokenValueMode } from './token-wire.js';
import type { FakeRequestLogEntry } from './types.js';
import type { FakeKeyIndex } from './v3-keys.js';

export interface FakeContext {
  store: FakeStore;
  faults: FaultQueue;
  limiter: SlidingWindowLimiter | undefined;
  log: FakeRequestLogEntry[];
  now: () => Date;
  apiKey: string;
  /** The v3 Management API's bearer (`mgmt-eden-…`). */
  managementKey: string;
  /** The v3 view of the store's tokens (ids, revoked keys). */
  keys: FakeKeyIndex;
  latencyMs: number;
  tokenValues: TokenValueMode;
  maxCostRangeDays: number;
  newTokenValue: () => string;
}

/** Thrown by the handler when the connection must drop without an answer. */
export class ConnectionDropped extends Error {
  constructor() {
    super('connection dropped by the fake Eden AI server');
  }
}
