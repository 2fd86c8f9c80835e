export * from './errors.js';
export { Secret } from './secret.js';
export type { Clock, Logger, Progress, RequestOptions } from './types.js';
