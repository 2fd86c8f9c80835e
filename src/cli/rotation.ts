import type {
  FinalizeOptions,
  FinalizeResult,
  ResumeResult,
  RotateExpiringOptions,
  RotateExpiringResult,
  RotateOptions,
  RotationFailureSource,
  RotationManagerOptions,
  RotationResult,
  RotationStatus,
} from '../rotation/types.js';
import type { Runtime } from './context.js';
import { unavailableError } from './errors.js';

/** The RotationManager methods the CLI uses (typed from the rotation contract). */
export interface Rotations extends RotationFailureSource {
  rotate(name: string, options?: RotateOptions): Promise<RotationResult>;
  rotateExpiring(options: RotateExpiringOptions): Promise<RotateExpiringResult>;
  resume(): Promise<ResumeResult>;
  finalize(options?: FinalizeOptions): Promise<FinalizeResult>;
  status(name: string): Promise<RotationStatus | undefined>;
}

type RotationsConstructor = new (options: RotationManagerOptions) => Rotations;

/** Loads the RotationManager on demand; a build without it gets exit code 10 from rotation commands. */
async function loadConstructor(): Promise<RotationsConstructor | undefined> {
  const mod = (await import('../rotation/index.js')) as Record<string, unknown>;
  const ctor = mod['RotationManager'];
  return typeof ctor === 'function' ? (ctor as RotationsConstructor) : undefined;
}

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

/** The RotationManager for this runtime (grace period, allowance and concurrency from the config). */
export async function openRotations(rt: Runtime): Promise<Rotations> {
  const Ctor = await loadConstructor();
  if (!Ctor) throw unavailableError('Rotation (RotationManager)');
  return new Ctor(options(rt));
}

/** `{ rotations }` for the AlertSystem when rotation is available, so failed rotations are reported. */
export async function rotationFailures(rt: Runtime): Promise<{ rotations?: RotationFailureSource }> {
  const Ctor = await loadConstructor();
  return Ctor ? { rotations: new Ctor(options(rt)) } : {};
}
