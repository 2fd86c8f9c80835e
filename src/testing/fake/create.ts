// createFakeEdenAI: wires the store, the fault queue, the rate limiter, the handler and its two
// transports (node:http server and in-process fetch). Web-standard APIs only, so the in-process
// fake runs on Workers and edge runtimes; Node's modules load only to listen or for a state file.
import { bytesToHex } from '@noble/hashes/utils.js';
import { FaultQueue, SlidingWindowLimiter } from './faults.js';
import { type FakeContext, resolveOptions, resolveSpend } from './options.js';
import { createFakeFetch, createHandler, type HttpServer, listen, waitOrAbort } from './server.js';
import { exportState, importState, loadNodeFs, loadStateFile, saveStateFile } from './state.js';
import { FakeKeyIndex, FakeStore, tokenSnapshotFields } from './store.js';
import type {
  FakeClientOptions,
  FakeEdenAI,
  FakeEdenAIOptions,
  FakeManagementClientOptions,
  FakeRequestLogEntry,
} from './types.js';

const LOCAL_ORIGIN = 'http://fake-edenai.local';
/** The member who owns the keys created through the fake's Management API. */
const OWNER = 'owner@fake-edenai.local';
/** Node, Bun and Deno print an object through this method; they pass their `inspect` to it. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A value shaped like Eden's `sk-eden-…` keys, clearly fake. */
function newTokenValue(): string {
  return `sk-eden-fake-${bytesToHex(crypto.getRandomValues(new Uint8Array(16)))}`;
}

/**
 * Starts a fake Eden AI server — v2 (custom tokens, cost management, credits) and the v3
 * Management API (`/v3/manage/keys/`, usage, whoami; management-key auth) over one token store —
 * with Eden's wire format and quirks, usage simulation and fault injection.
 *
 * @example
 * import { createFakeEdenAI } from 'edenai-token-manager/testing';
 *
 * const fake = await createFakeEdenAI();
 * const res = await fetch(`${fake.baseUrl}/user/custom_token/`, {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
 *   body: JSON.stringify({ name: 'prod-web-app', balance: '25.00', active_balance: true }),
 * });
 * res.status; // 201
 * fake.simulateUsage({ token: 'prod-web-app', cost: 1.5 }); // { ok: true }
 * await fake.close();
 */
export async function createFakeEdenAI(options?: FakeEdenAIOptions): Promise<FakeEdenAI> {
  const o = resolveOptions(options);
  const now = o.clock ?? (() => new Date());
  const file = o.stateFile ? { fs: await loadNodeFs(), path: o.stateFile } : undefined;
  let loaded = false;
  const store = new FakeStore(
    now,
    () => {
      if (file && loaded) saveStateFile(file.fs, store, file.path);
    },
    o.credits,
  );
  if (file) loadStateFile(file.fs, store, file.path);
  loaded = true;

  const clock = o.clock;
  const ctx: FakeContext = {
    store,
    faults: new FaultQueue(),
    limiter:
      o.perSecond === undefined
        ? undefined
        : new SlidingWindowLimiter(o.perSecond, clock ? () => clock().getTime() : () => performance.now()),
    log: [],
    now,
    apiKey: o.apiKey,
    managementKey: o.managementKey,
    managementScopes: o.managementScopes,
    v2TokenManagement: o.v2TokenManagement,
    keys: new FakeKeyIndex(store, now, OWNER),
    latencyMs: o.latencyMs,
    sleep: o.sleep ?? waitOrAbort,
    tokenValues: o.tokenValues,
    maxCostRangeDays: o.maxCostRangeDays,
    newTokenValue,
    v3: o.v3,
  };
  const handler = createHandler(ctx);
  let open = true;
  const fakeFetch = createFakeFetch(handler, () => open);
  const server: HttpServer | undefined = o.listen ? await listen(handler, o.port) : undefined;
  const origin = server?.origin ?? LOCAL_ORIGIN;
  const baseUrl = `${origin}/v2`;
  const v3BaseUrl = `${origin}/v3`;
  // Clients pace themselves to Eden's limit by default; against a fake that enforces no limit,
  // pacing would only slow tests down, so these options switch it off.
  const pacing = o.perSecond === undefined ? { maxRequestsPerSecond: false as const } : {};
  // A fake on an injected clock hands it to clients too: they check expiries against their clock.
  const common = { ...pacing, ...(clock && { clock }), ...(server ? {} : { fetch: fakeFetch }) };
  const clientOptions: FakeClientOptions = { apiKey: o.apiKey, baseUrl, ...common };
  const managementClientOptions: FakeManagementClientOptions = {
    apiKey: o.managementKey,
    baseUrl: v3BaseUrl,
    ...common,
  };

  const describe = () => ({ baseUrl, v3BaseUrl, listening: server !== undefined, open });
  const fake: FakeEdenAI & {
    toJSON(): unknown;
    [INSPECT](depth: number, options: unknown, inspect: (value: unknown, options: unknown) => string): string;
  } = {
    baseUrl,
    apiKey: o.apiKey,
    fetch: fakeFetch,
    clientOptions,
    v3BaseUrl,
    managementKey: o.managementKey,
    managementClientOptions,
    get requests(): readonly FakeRequestLogEntry[] {
      return ctx.log;
    },
    async close() {
      if (!open) return;
      open = false;
      await server?.close();
    },
    tokens: () =>
      store.list().map((t) => ({
        name: t.name,
        ...tokenSnapshotFields(t),
      })),
    tokenValue: (name) => store.get(name)?.value,
    keys: () => ctx.keys.snapshot(),
    simulateUsage: (input) => store.spend(resolveSpend(input, now())),
    inject: (fault) => ctx.faults.inject(fault),
    clearFaults: () => ctx.faults.clear(),
    resetRequestLog: () => {
      ctx.log.length = 0;
    },
    exportState: () => exportState(store),
    importState: (state) => importState(store, state),
    // Never print the API keys or token values when the fake itself is logged or serialised.
    toJSON: describe,
    [INSPECT]: (_depth, options, inspect) => `FakeEdenAI ${inspect(describe(), options)}`,
  };
  return fake;
}
