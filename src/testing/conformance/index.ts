// Conformance suites for the pluggable adapters: prove your own store with one call.
export type { SuiteOptions, TestApi } from './harness.js';
export { type SecretStoreConformanceOptions, secretStoreConformance } from './secret-store.js';
export { type StateStoreConformanceOptions, stateStoreConformance } from './state-store.js';
