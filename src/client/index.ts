// Low-level v2 HTTP clients and the request machinery they share.

export { CostClient } from './cost-client.js';
export { CustomTokenClient } from './custom-token-client.js';
export type { ClientOptions } from './options.js';
export { RateLimiter, type RateLimiterOptions, type ReleaseSlot } from './rate-limiter.js';
export type { RetryDelay, Sleep } from './retry.js';
