// The `edenai-token-manager/testing` entry: the fake Eden AI server and the adapter conformance suites.

export type { SuiteOptions, TestApi } from './conformance/harness.js';
export { type SecretStoreConformanceOptions, secretStoreConformance } from './conformance/secret-store.js';
export { type StateStoreConformanceOptions, stateStoreConformance } from './conformance/state-store.js';
export { createFakeEdenAI } from './fake/create.js';
export type {
  FakeClientOptions,
  FakeEdenAI,
  FakeEdenAIOptions,
  FakeKeySnapshot,
  FakeManagementClientOptions,
  FakeRequestLogEntry,
  FakeResetPeriod,
  FakeSleep,
  FakeState,
  FakeStateToken,
  FakeStateUsage,
  FakeTokenSnapshot,
  FakeTokenType,
  FakeV3Variants,
  Fault,
  FaultMatch,
  SimulateUsageInput,
  SimulateUsageResult,
} from './fake/types.js';
