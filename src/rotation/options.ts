// Validates RotationManager options once, at construction: a misconfiguration fails before any write.
import { ConfigurationError, InvalidInputError } from '../core/errors.js';
import { type Clock, type Logger, silentLogger } from '../core/types.js';
import type { SecretStore, StateStore } from '../ports/stores.js';
import type {
  GraceAllowance,
  NativeRotation,
  RotationManagerOptions,
  RotationRegistry,
  VerifyHook,
} from './types.js';

export const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_LEASE_MS = 5 * 60 * 1000;
export const MAX_LEASE_MS = 60 * 60 * 1000;
export const DEFAULT_CONCURRENCY = 4;
/** `rotate()` carries the old expiry to the new generation only when it is further away than this. */
export const ROTATE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface ResolvedRotationOptions {
  registry: RotationRegistry;
  secrets: SecretStore;
  state: StateStore;
  gracePeriodMs: number;
  graceAllowance: GraceAllowance | undefined;
  verify: VerifyHook | undefined;
  clock: Clock;
  lockLeaseMs: number;
  logger: Logger;
  concurrency: number;
  native: NativeRotation;
}

const KNOWN = new Set([
  'registry',
  'secrets',
  'state',
  'gracePeriodMs',
  'graceAllowance',
  'verify',
  'clock',
  'lockLeaseMs',
  'logger',
  'concurrency',
  'native',
]);
const NATIVE = new Set<unknown>(['auto', 'always', 'never']);

function hasMethods(value: unknown, methods: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  );
}

export function assertConcurrency(value: unknown, name = 'concurrency'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 64) {
    throw new InvalidInputError(`${name} must be an integer from 1 to 64, got ${String(value)}`, {
      field: name,
    });
  }
  return value;
}

export function resolveRotationOptions(options: RotationManagerOptions): ResolvedRotationOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('RotationManager needs { registry, state }');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigurationError(`Unknown RotationManager option "${key}"`);
  }
  const { registry } = options;
  if (
    !hasMethods(registry, ['parseName', 'secretRefFor', 'policyFor', 'get', 'snapshot']) ||
    !registry.backend
  )
    throw new ConfigurationError('`registry` must be a TokenRegistry');
  const secrets = options.secrets ?? registry.secrets;
  if (!hasMethods(secrets, ['get', 'set', 'delete', 'list']))
    throw new ConfigurationError('`secrets` must implement SecretStore (get, set, delete, list)');
  if (!hasMethods(options.state, ['get', 'set', 'delete', 'list']))
    throw new ConfigurationError(
      '`state` must implement StateStore (get, set, delete, list): journals and locks live there',
    );
  const native = options.native ?? 'auto';
  if (!NATIVE.has(native))
    throw new ConfigurationError(`native must be 'auto', 'always' or 'never', got ${String(native)}`);
  if (native === 'always') {
    if (typeof registry.backend.rotate !== 'function')
      throw new ConfigurationError(
        "native: 'always' needs a backend with a native rotate (ManagementKeyBackend); this one has none",
      );
    // A native rotate kills the old value at once: a grace period cannot be honoured.
    if (options.gracePeriodMs !== undefined && options.gracePeriodMs !== 0)
      throw new ConfigurationError(
        "native: 'always' has no grace period (the old value stops working at once): drop gracePeriodMs or set it to 0",
      );
  }
  const gracePeriodMs = options.gracePeriodMs ?? (native === 'always' ? 0 : DEFAULT_GRACE_MS);
  if (!Number.isFinite(gracePeriodMs) || gracePeriodMs < 0)
    throw new ConfigurationError(`gracePeriodMs must be a finite number ≥ 0, got ${String(gracePeriodMs)}`);
  const allowance = options.graceAllowance;
  if (
    allowance !== undefined &&
    typeof allowance !== 'function' &&
    !(typeof allowance === 'number' && Number.isFinite(allowance) && allowance >= 0)
  ) {
    throw new ConfigurationError(
      'graceAllowance must be an amount ≥ 0 (USD) or a function of the remaining balance',
    );
  }
  const lockLeaseMs = options.lockLeaseMs ?? DEFAULT_LEASE_MS;
  if (!Number.isFinite(lockLeaseMs) || lockLeaseMs <= 0 || lockLeaseMs > MAX_LEASE_MS)
    throw new ConfigurationError(
      `lockLeaseMs must be > 0 and at most 1 hour (3 600 000), got ${String(lockLeaseMs)}`,
    );
  if (options.verify !== undefined && typeof options.verify !== 'function')
    throw new ConfigurationError('verify must be a function');
  if (options.clock !== undefined && typeof options.clock !== 'function')
    throw new ConfigurationError('clock must be a function returning a Date');
  let concurrency = DEFAULT_CONCURRENCY;
  if (options.concurrency !== undefined) {
    try {
      concurrency = assertConcurrency(options.concurrency);
    } catch (error) {
      throw new ConfigurationError((error as Error).message);
    }
  }
  return {
    registry,
    secrets,
    state: options.state,
    gracePeriodMs,
    graceAllowance: allowance,
    verify: options.verify,
    clock: options.clock ?? registry.clock ?? (() => new Date()),
    lockLeaseMs,
    logger: options.logger ?? silentLogger,
    concurrency,
    native,
  };
}
