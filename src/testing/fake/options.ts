// createFakeEdenAI's options and simulateUsage's input, checked before anything starts, and the
// context the handler and its routes share.
import { ConfigurationError, InvalidInputError } from '../../core/errors.js';
import { toNanos } from '../../core/money.js';
import { parseDay, utcDay } from '../../core/time.js';
import type { FaultQueue, SlidingWindowLimiter } from './faults.js';
import type { FakeKeyIndex, FakeStore, Spend } from './store.js';
import type {
  FakeEdenAIOptions,
  FakeRequestLogEntry,
  FakeSleep,
  FakeV3Variants,
  SimulateUsageInput,
} from './types.js';

export interface ResolvedOptions {
  apiKey: string;
  managementKey: string;
  managementScopes: readonly string[];
  v2TokenManagement: 'api-key' | 'session-only';
  listen: boolean;
  port: number;
  clock: (() => Date) | undefined;
  latencyMs: number;
  sleep: FakeSleep | undefined;
  perSecond: number | undefined;
  tokenValues: 'readable' | 'masked';
  maxCostRangeDays: number;
  credits: number;
  stateFile: string | undefined;
  v3: Required<FakeV3Variants>;
}

function fail(message: string): never {
  throw new ConfigurationError(`createFakeEdenAI: ${message}`);
}

/** The scopes Eden gives management keys (its Management API guide). */
const MANAGEMENT_SCOPES: readonly string[] = ['manage:read', 'manage:write', 'manage:mint'];
const DEFAULT_SCOPES = ['manage:read', 'manage:write'];

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

export function resolveOptions(o: FakeEdenAIOptions = {}): ResolvedOptions {
  if (typeof o !== 'object' || o === null) fail('options must be an object');
  if (o.apiKey !== undefined && (typeof o.apiKey !== 'string' || o.apiKey.trim() === ''))
    fail('`apiKey` must be a non-empty string');
  if (o.managementKey !== undefined && (typeof o.managementKey !== 'string' || o.managementKey.trim() === ''))
    fail('`managementKey` must be a non-empty string');
  const apiKey = o.apiKey ?? 'fake-edenai-api-key';
  const managementKey = o.managementKey ?? 'mgmt-eden-fake-management-key';
  if (managementKey === apiKey) fail('`managementKey` must differ from `apiKey`');
  const scopes = o.managementScopes ?? DEFAULT_SCOPES;
  if (!Array.isArray(scopes) || !scopes.every((s) => MANAGEMENT_SCOPES.includes(s)))
    fail(`\`managementScopes\` must be an array of ${MANAGEMENT_SCOPES.join(', ')}`);
  if (o.v2TokenManagement !== undefined && !['api-key', 'session-only'].includes(o.v2TokenManagement))
    fail("`v2TokenManagement` must be 'api-key' or 'session-only'");
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535))
    fail('`port` must be an integer from 0 to 65535');
  if (o.clock !== undefined && typeof o.clock !== 'function')
    fail('`clock` must be a function returning a Date');
  if (o.latencyMs !== undefined && !(Number.isFinite(o.latencyMs) && o.latencyMs >= 0))
    fail('`latencyMs` must be a number ≥ 0');
  if (o.sleep !== undefined && typeof o.sleep !== 'function') fail('`sleep` must be a function');
  if (o.rateLimit !== undefined && !isCount(o.rateLimit?.perSecond))
    fail('`rateLimit.perSecond` must be a positive integer');
  if (o.tokenValues !== undefined && o.tokenValues !== 'readable' && o.tokenValues !== 'masked')
    fail("`tokenValues` must be 'readable' or 'masked'");
  if (o.maxCostRangeDays !== undefined && !isCount(o.maxCostRangeDays))
    fail('`maxCostRangeDays` must be a positive integer');
  if (o.credits !== undefined && !Number.isFinite(o.credits)) fail('`credits` must be a finite number');
  if (o.stateFile !== undefined && (typeof o.stateFile !== 'string' || o.stateFile === ''))
    fail('`stateFile` must be a file path');
  const v3 = o.v3 ?? {};
  if (typeof v3 !== 'object' || v3 === null) fail('`v3` must be an object');
  if (v3.duplicateStatus !== undefined && v3.duplicateStatus !== 409 && v3.duplicateStatus !== 400)
    fail('`v3.duplicateStatus` must be 409 or 400');
  if (v3.deleteStatus !== undefined && v3.deleteStatus !== 200 && v3.deleteStatus !== 204)
    fail('`v3.deleteStatus` must be 200 or 204');
  if (v3.pageCount !== undefined && !['total_count', 'count', 'next'].includes(v3.pageCount))
    fail("`v3.pageCount` must be 'total_count', 'count' or 'next'");
  return {
    apiKey,
    managementKey,
    managementScopes: [...new Set(scopes)],
    v2TokenManagement: o.v2TokenManagement ?? 'api-key',
    listen: o.listen ?? true,
    port: o.port ?? 0,
    clock: o.clock,
    latencyMs: o.latencyMs ?? 0,
    sleep: o.sleep,
    perSecond: o.rateLimit?.perSecond,
    tokenValues: o.tokenValues ?? 'readable',
    maxCostRangeDays: o.maxCostRangeDays ?? 366,
    credits: toNanos(o.credits ?? 100),
    stateFile: o.stateFile,
    v3: {
      duplicateStatus: v3.duplicateStatus ?? 409,
      deleteStatus: v3.deleteStatus ?? 200,
      pageCount: v3.pageCount ?? 'total_count',
    },
  };
}

function invalid(field: string, message: string): never {
  throw new InvalidInputError(`simulateUsage: ${message}`, { field });
}

/** Checks `simulateUsage` input and turns it into a store spend (nano-dollars, epoch day). */
export function resolveSpend(input: SimulateUsageInput, now: Date): Spend {
  if (typeof input !== 'object' || input === null) invalid('input', 'expected an object');
  const { token, cost, calls = 1, feature = 'text__chat', provider = 'openai', date = now } = input;
  if (typeof token !== 'string' || token === '') invalid('token', '`token` must be a token name');
  if (!(Number.isFinite(cost) && cost >= 0)) invalid('cost', '`cost` must be a number ≥ 0 (USD)');
  if (!(Number.isInteger(calls) && calls >= 0)) invalid('calls', '`calls` must be an integer ≥ 0');
  if (typeof feature !== 'string' || !/^[^_]+(?:_[^_]+)*__.+$/.test(feature))
    invalid('feature', '`feature` must look like "category__subfeature", e.g. "text__chat"');
  if (typeof provider !== 'string' || provider === '')
    invalid('provider', '`provider` must be a non-empty string');
  let day: number | undefined;
  if (date instanceof Date) day = Number.isNaN(date.getTime()) ? undefined : utcDay(date);
  else if (typeof date === 'string') day = parseDay(date);
  if (day === undefined) invalid('date', '`date` must be a valid Date or a YYYY-MM-DD string');
  return { token, cost: toNanos(cost), calls, feature, provider, day };
}

/** What the request handler and its routes share: the resolved options and the live state. */
export interface FakeContext {
  store: FakeStore;
  faults: FaultQueue;
  limiter: SlidingWindowLimiter | undefined;
  log: FakeRequestLogEntry[];
  now: () => Date;
  apiKey: string;
  /** The v3 Management API's bearer (`mgmt-eden-…`). */
  managementKey: string;
  /** Its scopes: whoami reports them, the v3 endpoints enforce them. */
  managementScopes: readonly string[];
  /** `session-only`: v2 token management refuses the API key (401). */
  v2TokenManagement: 'api-key' | 'session-only';
  /** The v3 view of the store's tokens (ids, revoked keys). */
  keys: FakeKeyIndex;
  latencyMs: number;
  /** Waits out `latencyMs` and latency faults. */
  sleep: FakeSleep;
  tokenValues: 'readable' | 'masked';
  maxCostRangeDays: number;
  newTokenValue: () => string;
  v3: Required<FakeV3Variants>;
}
