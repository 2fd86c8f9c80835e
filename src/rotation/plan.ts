// What rotations will do: the manager's options, validated once at construction (a misconfiguration
// fails before any write), and the plan they give one token, computed from one snapshot of its
// current generation before any write. Budgets are split in integer cents, so a split never drifts
// by a floating-point rounding.
import { ConfigurationError, InvalidInputError, PolicyViolationError } from '../core/errors.js';
import { MAX_EXPIRY_DAYS } from '../core/limits.js';
import { fromCents, toCents } from '../core/money.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from '../core/time.js';
import { type Clock, checkedLogger, type Logger } from '../core/types.js';
import type { AuditSink } from '../ports/audit.js';
import type { ResetPeriod, TokenType } from '../ports/backend.js';
import type { SecretStore, StateStore } from '../ports/stores.js';
import { formatTokenName, splitGeneration } from '../registry/naming.js';
import type { EnvironmentPolicy, ManagedToken } from '../registry/types.js';
import type {
  GraceAllowance,
  NativeRotation,
  RotationManagerOptions,
  RotationMode,
  RotationRegistry,
  VerifyHook,
} from './types.js';

// ── options ──────────────────────────────────────────────────────────────

const DEFAULT_GRACE_MS = DAY_MS;
const DEFAULT_LEASE_MS = 5 * MINUTE_MS;
const MAX_LEASE_MS = HOUR_MS;
const DEFAULT_CONCURRENCY = 4;
/** `rotate()` carries the old expiry to the new generation only when it is further away than this. */
export const ROTATE_WINDOW_MS = WEEK_MS;

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
  audit: AuditSink | undefined;
  actor: string | undefined;
}

const KNOWN = new Set([
  'audit',
  'actor',
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
    audit: options.audit,
    actor: options.actor,
    verify: options.verify,
    clock: options.clock ?? registry.clock ?? (() => new Date()),
    lockLeaseMs,
    logger: checkedLogger(options.logger, 'RotationManager options'),
    concurrency,
    native,
  };
}

// ── plan ─────────────────────────────────────────────────────────────────

export interface RotationPlan {
  name: string;
  mode: RotationMode;
  environment: string;
  secretRef: string;
  oldTokenName: string;
  oldGeneration: number;
  newTokenName: string;
  newGeneration: number;
  tokenType: TokenType;
  budgeted: boolean;
  oldBalance: number | null;
  balanceCents: number;
  allowanceCents: number;
  newBalanceCents: number;
  oldResetPeriod: ResetPeriod;
  oldResetAmount: number | null;
  oldExpireTime: Date | null;
  newExpireTime: Date | null;
  /** The current generation's cost tags (v3), for the new generation. */
  tags?: Record<string, string>;
}

export interface PlanInput {
  policy: EnvironmentPolicy;
  now: Date;
  gracePeriodMs: number;
  graceAllowance: GraceAllowance | undefined;
  expiresInDays: number | undefined;
  /** Carry the old expiry only when it is further away than this. */
  windowMs: number;
  /** Rotate with the backend's native rotate: same key, same budget, new value. */
  native: boolean;
}

/** Validates `expiresInDays` against the policy (before anything is written). */
export function checkExpiresInDays(
  environment: string,
  policy: EnvironmentPolicy,
  days: number | undefined,
): void {
  if (days === undefined) return;
  if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS) {
    throw new InvalidInputError(
      `expiresInDays must be an integer from 1 to ${MAX_EXPIRY_DAYS}, got ${String(days)}`,
      {
        field: 'expiresInDays',
      },
    );
  }
  const max = policy.expiry?.maxDays;
  if (max !== undefined && days > max) {
    throw new PolicyViolationError(
      `${environment}: expiresInDays ${days} exceeds the policy's expiry.maxDays (${max})`,
      { environment, rule: 'expiry.maxDays', value: days },
    );
  }
}

/**
 * Expiry rule of a new generation, first match wins:
 * 1. `expiresInDays` (option) from now;
 * 2. the environment's `expiry.defaultDays` from now;
 * 3. the old generation's expiry, when it is further away than the rotation window;
 * 4. the policy's `expiry.maxDays` from now when the policy requires an expiry;
 * 5. none.
 * Never later than `expiry.maxDays` from now.
 */
export function newExpiry(
  environment: string,
  oldExpire: Date | null,
  input: Pick<PlanInput, 'policy' | 'now' | 'expiresInDays' | 'windowMs'>,
): Date | null {
  const { policy, now, expiresInDays, windowMs } = input;
  const expiry = policy.expiry;
  const max = expiry?.maxDays !== undefined ? new Date(now.getTime() + expiry.maxDays * DAY_MS) : undefined;
  let at: Date | null = null;
  if (expiresInDays !== undefined) at = new Date(now.getTime() + expiresInDays * DAY_MS);
  else if (expiry?.defaultDays !== undefined) at = new Date(now.getTime() + expiry.defaultDays * DAY_MS);
  else if (oldExpire && oldExpire.getTime() - now.getTime() > windowMs) at = oldExpire;
  else if (expiry?.required) {
    if (!max) {
      throw new PolicyViolationError(
        `${environment}: the policy requires an expiry but sets no defaultDays or maxDays; pass expiresInDays`,
        { environment, rule: 'expiry.required' },
      );
    }
    at = max;
  }
  if (at && max && at.getTime() > max.getTime()) at = max;
  return at;
}

/**
 * The old generation's allowance in cents: the option (amount or function of the remaining
 * balance), else 10 % of the balance; 0 without a grace period; never more than the balance.
 */
function allowanceCents(balanceCents: number, gracePeriodMs: number, option?: GraceAllowance): number {
  if (gracePeriodMs === 0) return 0;
  let cents: number;
  if (option === undefined) cents = Math.floor(balanceCents / 10);
  else {
    const usd = typeof option === 'function' ? option(fromCents(balanceCents)) : option;
    if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
      throw new ConfigurationError(`graceAllowance must give a finite amount ≥ 0 (USD), got ${String(usd)}`);
    }
    cents = toCents(usd);
  }
  return Math.min(Math.max(cents, 0), balanceCents);
}

/**
 * The plan for rotating `token` (the current generation): to the next generation, or (native) the
 * same key with a new value, where nothing is split or moved.
 */
export function planRotation(token: ManagedToken, input: PlanInput): RotationPlan {
  const budgeted = token.activeBalance;
  const balanceCents = budgeted ? toCents(token.balance) : 0;
  const shared = {
    name: token.name,
    environment: token.environment,
    secretRef: token.secretRef,
    oldTokenName: token.tokenName,
    oldGeneration: token.generation,
    tokenType: token.tokenType,
    budgeted,
    oldBalance: token.balance,
    balanceCents,
    oldResetPeriod: token.balanceResetPeriod,
    oldResetAmount: token.balanceResetAmount,
    oldExpireTime: token.expireTime,
    newExpireTime: newExpiry(token.environment, token.expireTime, input),
    ...(token.tags && { tags: token.tags }),
  };
  if (input.native) {
    return {
      ...shared,
      mode: 'native',
      newTokenName: token.tokenName,
      newGeneration: token.generation,
      allowanceCents: 0,
      newBalanceCents: balanceCents,
    };
  }
  const highest = Math.max(...token.generations.map((g) => splitGeneration(g).generation), token.generation);
  const newGeneration = highest + 1;
  const allowance = budgeted ? allowanceCents(balanceCents, input.gracePeriodMs, input.graceAllowance) : 0;
  return {
    ...shared,
    mode: 'generation',
    newTokenName: formatTokenName(token.environment, token.app, newGeneration),
    newGeneration,
    allowanceCents: allowance,
    newBalanceCents: balanceCents - allowance,
  };
}
