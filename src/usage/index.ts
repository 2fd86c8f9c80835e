// Usage: spend per token and per environment, forecasts, reconciliation, report formats.

export * from './format/index.js';
export { MemoryUsageSource } from './memory-source.js';
export { UsageMonitor, type UsageMonitorOptions } from './monitor.js';
export { nextResetAt, RESET_TIME_ZONE } from './resets.js';
export type * from './source.js';
export type * from './types.js';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_RANGE_DAYS,
  type FetchWindowedOptions,
  fetchWindowed,
  splitRange,
  type UsageFilter,
} from './windows.js';
