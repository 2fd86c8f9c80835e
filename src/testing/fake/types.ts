// Public types of the fake Eden AI server.

/**
 * Eden's token types.
 *
 * @example
 * const type: FakeTokenType = 'sandbox_api_token';
 */
export type FakeTokenType = 'api_token' | 'sandbox_api_token';
/**
 * Eden's budget reset periods (refills at midnight Europe/Paris).
 *
 * @example
 * const period: FakeResetPeriod = 'monthly';
 */
export type FakeResetPeriod = 'none' | 'daily' | 'weekly' | 'monthly';

/**
 * Options of {@link createFakeEdenAI}.
 *
 * @example
 * const fake = await createFakeEdenAI({ clock: () => now, rateLimit: { perSecond: 10 } });
 */
export interface FakeEdenAIOptions {
  /** The only bearer accepted on v2. Default `'fake-edenai-api-key'`. */
  apiKey?: string;
  /**
   * The only bearer accepted on the v3 Management API (`/v3/manage/…`). Default
   * `'mgmt-eden-fake-management-key'`. The v2 key or an inference key (`sk-eden-…`) there gets
   * Eden's 401 "This endpoint needs a management key".
   */
  managementKey?: string;
  /**
   * The scopes of the management key, as `/v3/manage/whoami/` reports them and the v3 endpoints
   * enforce them: reads need `manage:read`, writes (create, update, rotate, revoke) `manage:write`;
   * a missing scope is a 403 naming it. Any of `manage:read`, `manage:write`, `manage:mint`.
   * Default `['manage:read', 'manage:write']`.
   */
  managementScopes?: readonly string[];
  /**
   * Who may manage v2 custom tokens (`/v2/user/custom_token/…`): `'api-key'` (default, Eden's
   * documented behaviour) or `'session-only'`, Eden's newer rule, where those endpoints answer the
   * API key with 401 (a dashboard session only) while cost and credits still accept it.
   */
  v2TokenManagement?: 'api-key' | 'session-only';
  /** Serve HTTP on 127.0.0.1 (default `true`). With `false`, only `fake.fetch` serves requests. */
  listen?: boolean;
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** The fake's "now": expiry, budget resets, usage dates, the rate-limit window, the request log. */
  clock?: () => Date;
  /** Real milliseconds added before every answer (benches, timeout tests). */
  latencyMs?: number;
  /**
   * How the fake waits out `latencyMs` and latency faults. Default: a timer that ends early when the
   * client aborts. Tests inject one that records the delays and returns at once.
   */
  sleep?: FakeSleep;
  /** More than `perSecond` requests in any 1000 ms window answer 429 with `Retry-After`. */
  rateLimit?: { perSecond: number };
  /**
   * `'readable'` (default, legacy v2): GET and list include the `token` value.
   * `'masked'` (Eden's newer API): they include `masked`, `key_prefix` and `last4` instead.
   */
  tokenValues?: 'readable' | 'masked';
  /**
   * The cost APIs reject longer ranges with a 400: v2 counts `begin..end` inclusive, v3 `end` − `begin`
   * (its `end` is exclusive). Default 366.
   */
  maxCostRangeDays?: number;
  /** Account credits in USD for `/cost_management/credits/` (default 100). Non-sandbox usage spends them. */
  credits?: number;
  /** Load state from this JSON file at start (when it exists) and save it after every change. */
  stateFile?: string;
  /**
   * Where Eden's v3 reference and its own docs tests differ, the fake answers as the tests expect
   * by default; these switch it to the older variants so both stay tested.
   */
  v3?: FakeV3Variants;
}

/**
 * How the fake's v3 Management API answers where Eden's reference and its own tests differ.
 *
 * @example
 * const fake = await createFakeEdenAI({ v3: { duplicateStatus: 400, deleteStatus: 204, pageCount: 'count' } });
 */
export interface FakeV3Variants {
  /** A create or rename to a live key's name: 409 (default, as Eden's tests) or 400 (as v2). */
  duplicateStatus?: 409 | 400;
  /** A successful DELETE: 200 with the revoked key (default, as Eden's tests) or 204 (the reference). */
  deleteStatus?: 200 | 204;
  /** The key-list total: `total_count` (default, as Eden's tests), `count` (the spec), or none (`next` only). */
  pageCount?: 'total_count' | 'count' | 'next';
}

/**
 * Waits `ms` before the fake answers; `signal` aborts when the client gives up (the fake then
 * drops the request, whether the wait resolves or rejects).
 *
 * @example
 * const delays: number[] = [];
 * const fake = await createFakeEdenAI({ sleep: async (ms) => { delays.push(ms); } });
 */
export type FakeSleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * Where a fault applies. A string `path` equals the URL path, with or without the `/v2` prefix;
 * a RegExp is tested against the full path. `method` is case-insensitive.
 *
 * @example
 * fake.inject({ kind: 'status', status: 503, match: { method: 'PATCH', path: /custom_token\/[^/]+\/$/ } });
 */
export interface FaultMatch {
  method?: string;
  path?: string | RegExp;
}

/**
 * A fault to inject into the next matching requests (`times`, default 1; `Infinity` for all).
 * Latency faults add up and let the request go on; the first other matching fault decides the answer.
 *
 * @example
 * fake.inject({ kind: 'lostResponse', match: { method: 'POST', path: '/user/custom_token/' } });
 */
export type Fault = { match?: FaultMatch; times?: number } & (
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'rateLimit'; retryAfterSeconds?: number }
  | { kind: 'html'; status?: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'drop' }
  | { kind: 'lostResponse' }
);

/**
 * One request the fake received. `status` is 0 when no answer reached the client (drop, lostResponse, abort).
 *
 * @example
 * expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
 */
export interface FakeRequestLogEntry {
  method: string;
  /** URL path without the query, e.g. `/v2/user/custom_token/`. */
  path: string;
  status: number;
  at: Date;
  /** The injected fault that shaped this answer, if any. */
  fault?: Fault['kind'];
}

/**
 * A live token as the fake holds it (no value: use `fake.tokenValue(name)`). Money in USD.
 *
 * @example
 * expect(fake.tokens()).toContainEqual(expect.objectContaining({ name: 'prod-web-app', balance: 25 }));
 */
export interface FakeTokenSnapshot {
  name: string;
  tokenType: FakeTokenType;
  balance: number | null;
  activeBalance: boolean;
  expireTime: Date | null;
  balanceResetPeriod: FakeResetPeriod;
  balanceResetAmount: number | null;
}

/**
 * A key as the v3 Management API sees it: a token snapshot plus its id and revocation. Revoked
 * keys stay listed (revoking removes the token from the v2 view).
 *
 * @example
 * const [key] = fake.keys();
 * expect(key).toMatchObject({ name: 'prod-web-app', revoked: false });
 */
export interface FakeKeySnapshot extends FakeTokenSnapshot {
  /** uuid */
  id: string;
  /** Email of the owning member. */
  member: string;
  revoked: boolean;
  revokedAt: Date | null;
  /** Its `default_tags` (keys lowercase). */
  tags: Record<string, string>;
}

/**
 * Input of `fake.simulateUsage`.
 *
 * @example
 * fake.simulateUsage({ token: 'prod-web-app', cost: 0.25, calls: 3, feature: 'ocr__ocr', provider: 'google', date: '2026-03-02' });
 */
export interface SimulateUsageInput {
  /** Token name. */
  token: string;
  /** USD, ≥ 0. */
  cost: number;
  /** Number of API calls (default 1). */
  calls?: number;
  /** `{category}__{subfeature}` (default `'text__chat'`). */
  feature?: string;
  /** Default `'openai'`. */
  provider?: string;
  /** Day the cost is recorded on (default: the clock's UTC day). */
  date?: Date | string;
}

/**
 * Outcome of `fake.simulateUsage`: refused for unknown (or deleted) and expired tokens, and when an
 * active balance is empty or below the cost (usage never overdraws).
 *
 * @example
 * if (!fake.simulateUsage({ token: 'dev-app', cost: 1 }).ok) throw new Error('refused');
 */
export type SimulateUsageResult =
  | { ok: true }
  | { ok: false; reason: 'unknown_token' | 'expired' | 'insufficient_balance' };

/**
 * A token in an exported state. Money is a decimal string (exact); `value` is the token value.
 *
 * @example
 * const t: FakeStateToken = fake.exportState().tokens[0]!;
 */
export interface FakeStateToken {
  name: string;
  value: string;
  tokenType: FakeTokenType;
  balance: string | null;
  activeBalance: boolean;
  expireTime: string | null;
  balanceResetPeriod: FakeResetPeriod;
  balanceResetAmount: string | null;
  /** The Europe/Paris period (`YYYY-MM-DD` or `YYYY-MM`) of the last budget reset check. */
  resetPeriodKey: string | null;
}

/**
 * Aggregated cost history: one row per token name, day, feature and provider (kept after deletes).
 *
 * @example
 * const spent = fake.exportState().usage.reduce((sum, u) => sum + Number(u.cost), 0);
 */
export interface FakeStateUsage {
  token: string;
  date: string;
  feature: string;
  provider: string;
  cost: string;
  calls: number;
}

/**
 * The fake's whole state as plain JSON (what `stateFile` holds). It contains token values.
 *
 * @example
 * const snapshot = fake.exportState();
 * other.importState(snapshot);
 */
export interface FakeState {
  version: 1;
  credits: string;
  tokens: FakeStateToken[];
  usage: FakeStateUsage[];
}

/**
 * Options to spread into a client's constructor (`fetch` only when the fake does not listen).
 *
 * @example
 * const client = new CustomTokenClient({ ...fake.clientOptions, maxRetries: 0 });
 */
export interface FakeClientOptions {
  apiKey: string;
  baseUrl: string;
  fetch?: typeof fetch;
  /** `false` (no client-side pacing) unless the fake enforces a rate limit. */
  maxRequestsPerSecond?: false;
  /** The fake's `clock`, when it was given one: clients check expiries against it. */
  clock?: () => Date;
}

/**
 * Options to spread into `ManagementKeyClient` (`fetch` only when the fake does not listen).
 *
 * @example
 * const client = new ManagementKeyClient({ ...fake.managementClientOptions, maxRetries: 0 });
 */
export interface FakeManagementClientOptions {
  apiKey: string;
  baseUrl: string;
  fetch?: typeof fetch;
  /** `false` (no client-side pacing) unless the fake enforces a rate limit. */
  maxRequestsPerSecond?: false;
  /** The fake's `clock`, when it was given one: clients check expiries against it. */
  clock?: () => Date;
}

/**
 * A running fake Eden AI server, from {@link createFakeEdenAI}.
 *
 * @example
 * const fake = await createFakeEdenAI({ listen: false });
 * fake.inject({ kind: 'drop' });
 * await fake.fetch(`${fake.baseUrl}/user/custom_token/`); // rejects: TypeError('fetch failed')
 * await fake.close();
 */
export interface FakeEdenAI {
  /** `http://127.0.0.1:PORT/v2`, or `http://fake-edenai.local/v2` when not listening. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** A fetch served in-process by the same handler (no socket). Any host is accepted. */
  readonly fetch: typeof fetch;
  readonly clientOptions: FakeClientOptions;
  /** `http://127.0.0.1:PORT/v3` (or `http://fake-edenai.local/v3`): the Management API's base. */
  readonly v3BaseUrl: string;
  /** The management key (`mgmt-eden-…`) the v3 endpoints accept. */
  readonly managementKey: string;
  /** Ready to spread into `ManagementKeyClient`. */
  readonly managementClientOptions: FakeManagementClientOptions;
  /** Every request received, oldest first. */
  readonly requests: readonly FakeRequestLogEntry[];
  close(): Promise<void>;
  tokens(): FakeTokenSnapshot[];
  tokenValue(name: string): string | undefined;
  /** Every key the v3 Management API lists, revoked ones included, in creation order. */
  keys(): FakeKeySnapshot[];
  simulateUsage(input: SimulateUsageInput): SimulateUsageResult;
  inject(fault: Fault): void;
  clearFaults(): void;
  resetRequestLog(): void;
  exportState(): FakeState;
  importState(state: FakeState): void;
}
