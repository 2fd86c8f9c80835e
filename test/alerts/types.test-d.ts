import type { ForecastSource, RotationManager, TokenRegistry, UsageMonitor } from 'edenai-token-manager';
import { expectTypeOf, test } from 'vitest';
import type { RegistryView } from '../../src/registry/types.js';
import type { RotationFailureSource } from '../../src/rotation/types.js';

test('the real managers plug into AlertSystem', () => {
  expectTypeOf<TokenRegistry>().toExtend<RegistryView>();
  expectTypeOf<UsageMonitor>().toExtend<ForecastSource>();
  expectTypeOf<RotationManager>().toExtend<RotationFailureSource>();
});
