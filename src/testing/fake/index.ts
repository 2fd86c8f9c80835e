// The fake Eden AI server (`edenai-token-manager/testing`).

export { createFakeEdenAI } from './create.js';
export type {
  FakeClientOptions,
  FakeEdenAI,
  FakeEdenAIOptions,
  FakeKeySnapshot,
  FakeManagementClientOptions,
  FakeRequestLogEntry,
  FakeResetPeriod,
  FakeState,
  FakeStateToken,
  FakeStateUsage,
  FakeTokenSnapshot,
  FakeTokenType,
  Fault,
  FaultMatch,
  SimulateUsageInput,
  SimulateUsageResult,
} from './types.js';
