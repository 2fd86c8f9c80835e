import { RotationManager, type RotationManagerOptions } from '../index-node.js';
import type { Runtime } from './context.js';

/** RotationManager options from the runtime: grace period, allowance and concurrency from the config. */
function options(rt: Runtime): RotationManagerOptions {
  const { gracePeriodMs, graceAllowance, concurrency } = rt.config.rotation;
  return {
    registry: rt.registry,
    state: rt.state,
    clock: rt.clock,
    ...(gracePeriodMs === undefined ? {} : { gracePeriodMs }),
    ...(graceAllowance === undefined ? {} : { graceAllowance }),
    ...(concurrency === undefined ? {} : { concurrency }),
  };
}

/** The RotationManager for this runtime. */
export function openRotations(rt: Runtime): RotationManager {
  return new RotationManager(options(rt));
}

/** `{ rotations }` for the AlertSystem, so failed rotations show up in the health report. */
export function rotationFailures(rt: Runtime): { rotations: RotationManager } {
  return { rotations: openRotations(rt) };
}
