import { expectTypeOf, test } from 'vitest';
import type { ForecastSource } from '../../src/alerts/types.js';
import type { TokenRegistry } from '../../src/registry/registry.js';
import type { RegistryView } from '../../src/registry/types.js';
import type { RotationManager } from '../../src/rotation/manager.js';
import type { RotationFailureSource } from '../../src/rotation/types.js';
import type { UsageMonitor } from '../../src/usage/monitor.js';

test('the real managers plug into AlertSystem', () => {
  expectTypeOf<TokenRegistry>().toExtend<RegistryView>();
  expectTypeOf<UsageMonitor>().toExtend<ForecastSource>();
  expectTypeOf<RotationManager>().toExtend<RotationFailureSource>();
});
