// The `edenai-token-manager/redis` entry: a StateStore on Redis (journals, locks, alert dedupe).
// Its client (ioredis) is an optional peer dependency, loaded on first use.
export { type RedisSetOptions, RedisStateStore, type RedisStateStoreOptions } from './store.js';
