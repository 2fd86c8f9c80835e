// A world for rotation tests: the fake Eden AI (in-process), a real client on v2 (CustomTokenClient)
// or on the v3 Management API (ManagementKeyBackend), a TokenRegistry, memory stores, an injected
// clock, a kill switch that simulates a crash after the Nth effect, and a watcher that checks the
// invariants after every request. The suites run on every `FLAVOURS` entry.
import type {
  ClientOptions,
  DeleteOptions,
  Logger,
  NativeRotation,
  RotationManagerOptions,
  Secret,
  SecretStore,
  StateStore,
  TokenBackend,
  WriteOptions,
} from 'edenai-token-manager';
import {
  CustomTokenClient,
  ManagementKeyBackend,
  ManagementKeyClient,
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  TokenRegistry,
} from 'edenai-token-manager';
import type { FakeEdenAI, FakeEdenAIOptions, FaultMatch } from 'edenai-token-manager/testing';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { splitGeneration } from '../../src/registry/naming.js';

export const START = new Date('2026-03-01T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const ENVIRONMENTS = {
  dev: { tokenType: 'sandbox_api_token' as const },
  staging: { budget: { default: 50, max: 100 }, expiry: { defaultDays: 30 } },
  prod: {
    budget: { default: 500, max: 2000, resetPeriod: 'monthly' as const },
    expiry: { required: true, defaultDays: 90, maxDays: 180 },
  },
};

/** Thrown by everything once the simulated process is dead. */
export class Crash extends Error {
  override name = 'Crash';
}

/** Counts effects (store writes, backend writes); after the `limit`-th one, the process is dead. */
export class KillSwitch {
  effects = 0;
  dead = false;
  /** What each effect was: `lock` (a lock write), `state`, `secret` or `http`. */
  readonly kinds: string[] = [];
  constructor(public limit = Number.POSITIVE_INFINITY) {}
  check(): void {
    if (this.dead) throw new Crash('process is dead');
  }
  /** Call after an effect took place. */
  effect(kind = 'http'): void {
    this.kinds.push(kind);
    this.effects++;
    if (this.effects >= this.limit) {
      this.dead = true;
      throw new Crash(`crashed after effect #${this.effects}`);
    }
  }
}

export function killableState(inner: StateStore, kill: KillSwitch): StateStore {
  return {
    get: async (key) => {
      kill.check();
      return inner.get(key);
    },
    list: async (prefix) => {
      kill.check();
      return inner.list(prefix);
    },
    set: async (key, value, options) => {
      kill.check();
      const r = await inner.set(key, value, options);
      kill.effect(key.startsWith('rotation/lock/') ? 'lock' : 'state');
      return r;
    },
    delete: async (key, options) => {
      kill.check();
      const r = await inner.delete(key, options);
      kill.effect(key.startsWith('rotation/lock/') ? 'lock' : 'state');
      return r;
    },
  };
}

export function killableSecrets(inner: SecretStore, kill: KillSwitch): SecretStore {
  return {
    get: async (key) => {
      kill.check();
      return inner.get(key);
    },
    list: async (prefix) => {
      kill.check();
      return inner.list(prefix);
    },
    set: async (key: string, value: Secret | string, options?: WriteOptions) => {
      kill.check();
      const r = await inner.set(key, value, options);
      kill.effect('secret');
      return r;
    },
    delete: async (key: string, options?: DeleteOptions) => {
      kill.check();
      const r = await inner.delete(key, options);
      kill.effect('secret');
      return r;
    },
  };
}

/**
 * A backend and a rotation method to run a suite on: `describe.each(FLAVOURS)('… on $label', (f) => …)`.
 * On v3, a grace period always means generations (zero downtime needs two live values); with
 * `gracePeriodMs: 0` the manager rotates natively unless `native: 'never'`.
 */
export interface Flavour {
  label: string;
  api: 'v2' | 'v3';
  /** Default `native` option of the world's managers. */
  native: NativeRotation;
}

export const V2: Flavour = { label: 'v2', api: 'v2', native: 'auto' };
/** v3 with the default `native: 'auto'`: native rotate when `gracePeriodMs` is 0, generations otherwise. */
export const V3: Flavour = { label: 'v3', api: 'v3', native: 'auto' };
/** v3 rotated by generations even without a grace period. */
export const V3_GENERATIONS: Flavour = { label: 'v3 (generations)', api: 'v3', native: 'never' };

/** Suites whose rotations have a grace period: v2 and v3 both rotate by generations. */
export const WITH_GRACE: readonly Flavour[] = [V2, V3];
/** Suites without a grace period: v2, v3 native, and v3 by generations. */
export const NO_GRACE: readonly Flavour[] = [V2, V3, V3_GENERATIONS];

export interface WorldOptions {
  fake?: FakeEdenAIOptions;
  client?: Partial<ClientOptions>;
  /** Which API and default rotation method (default v2). */
  flavour?: Flavour;
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** Captures log lines, to prove no value is ever logged. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export async function createWorld(options: WorldOptions = {}) {
  let now = START.getTime();
  const clock = () => new Date(now);
  const advance = (ms: number) => {
    now += ms;
  };
  const fake: FakeEdenAI = await createFakeEdenAI({ listen: false, clock, ...options.fake });
  const secrets = new MemorySecretStore();
  const state = new MemoryStateStore();
  /** Called after every request the client sends (answered or not). */
  const afterRequest: (() => Promise<void>)[] = [];
  /** Called before every request the client sends (to inject a fault into exactly that one). */
  const beforeRequest: (() => void)[] = [];
  let kill = new KillSwitch();
  const fetchFn: typeof fetch = async (input, init) => {
    kill.check();
    for (const hook of beforeRequest) hook();
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    try {
      return await fake.fetch(input, init);
    } finally {
      for (const check of afterRequest) await check();
      if (method !== 'GET') kill.effect();
    }
  };
  const flavour = options.flavour ?? V2;
  const common = {
    fetch: fetchFn,
    maxRetries: 2,
    timeoutMs: 5_000,
    retryDelay: () => 0,
    clock,
  };
  let backend: TokenBackend;
  let client: CustomTokenClient | undefined;
  if (flavour.api === 'v2') {
    client = new CustomTokenClient({ ...fake.clientOptions, ...common, ...options.client });
    backend = client;
  } else {
    const v3 = new ManagementKeyClient({ ...fake.managementClientOptions, ...common, ...options.client });
    backend = new ManagementKeyBackend({ client: v3, clock });
  }
  const registry = new TokenRegistry({ backend, secrets, environments: ENVIRONMENTS, clock });
  const keyId = (name: string) => {
    const key = fake.keys().find((k) => k.name === name && !k.revoked);
    if (!key) throw new Error(`no live key named ${name}`);
    return key.id;
  };

  return {
    fake,
    flavour,
    /** The v2 client (v2 worlds only). */
    get client(): CustomTokenClient {
      if (!client) throw new Error('world.client is the v2 client: a v2 world only');
      return client;
    },
    backend,
    registry,
    secrets,
    state,
    clock,
    advance,
    afterRequest,
    beforeRequest,
    get kill() {
      return kill;
    },
    /** Arms a new kill switch (the previous "process" keeps its dead one). */
    arm(limit = Number.POSITIVE_INFINITY): KillSwitch {
      kill = new KillSwitch(limit);
      return kill;
    },
    /** A manager over the shared stores; with a kill switch, its stores die with it. */
    manager(extra: Partial<RotationManagerOptions> = {}, switchFor?: KillSwitch): RotationManager {
      const s = switchFor ? killableState(state, switchFor) : state;
      const x = switchFor ? killableSecrets(secrets, switchFor) : secrets;
      return new RotationManager({ registry, state: s, secrets: x, clock, native: flavour.native, ...extra });
    },
    /** Whether a manager of this world with `gracePeriodMs` (and `native` override) rotates natively. */
    native(gracePeriodMs: number, native: NativeRotation = flavour.native): boolean {
      return flavour.api === 'v3' && native !== 'never' && (native === 'always' || gracePeriodMs === 0);
    },
    /** The Eden name a rotation of `name` (at generation 1) leads to. */
    rotatedName(name: string, gracePeriodMs: number): string {
      return this.native(gracePeriodMs) ? name : `${name}--g2`;
    },
    /** Fault matches for this world's API (token paths resolve v3 ids now: inject after creating). */
    paths: {
      /** The list (and, with POST, create) path. */
      list: flavour.api === 'v2' ? '/user/custom_token/' : '/manage/keys/',
      /** One token's resource (GET, PATCH, DELETE). */
      token(name: string): FaultMatch['path'] {
        return flavour.api === 'v2'
          ? `/user/custom_token/${name}/`
          : new RegExp(`^/v3/manage/keys/${keyId(name)}/$`);
      },
      /** v3's native rotate of one key. */
      rotate(name: string): FaultMatch['path'] {
        return new RegExp(`^/v3/manage/keys/${keyId(name)}/rotate/$`);
      },
    },
    /** `METHOD /path` of every request, with v3 key ids replaced by the key names (as of now). */
    requestLines(): string[] {
      const names = new Map(fake.keys().map((k) => [k.id, k.name]));
      return fake.requests.map(
        (r) =>
          `${r.method} ${r.path.replace(/\/keys\/([^/]+)\//, (m, id: string) => (names.has(id) ? `/keys/{${names.get(id)}}/` : m))}`,
      );
    },
    /** Live generations of a logical token, as the fake holds them. */
    generations(name: string) {
      return fake.tokens().filter((t) => splitGeneration(t.name).base === name);
    },
    /** Sum of the enforced balances of a logical token's live generations, in cents. */
    budgetCents(name: string): number {
      return Math.round(
        this.generations(name)
          .filter((t) => t.activeBalance)
          .reduce((sum, t) => sum + (t.balance ?? 0), 0) * 100,
      );
    },
    /** Which Eden token the current SecretStore entry names, and whether its value is that token's. */
    async current(name: string) {
      const entry = await secrets.get(registry.secretRefFor(name));
      const tokenName = entry?.metadata?.['tokenName'];
      return {
        tokenName: typeof tokenName === 'string' ? tokenName : undefined,
        valueMatches:
          typeof tokenName === 'string' &&
          entry !== undefined &&
          entry.value.reveal() === fake.tokenValue(tokenName),
      };
    },
    async pendingKeys(): Promise<string[]> {
      return (await secrets.list()).filter((k) => k.endsWith('.pending'));
    },
    /** Checks invariants 2 and 3 after every request from now on; violations are collected. */
    watch(name: string, budgetCents: number | null): string[] {
      const violations: string[] = [];
      afterRequest.push(async () => {
        const entry = await secrets.get(registry.secretRefFor(name));
        const named = entry?.metadata?.['tokenName'];
        const live = fake.tokens().map((t) => t.name);
        if (typeof named !== 'string' || !live.includes(named))
          violations.push(`current entry names ${String(named)}, live: ${live.join(',')}`);
        if (budgetCents !== null) {
          const gens = fake.tokens().filter((t) => splitGeneration(t.name).base === name);
          const total = Math.round(
            gens.filter((t) => t.activeBalance).reduce((s, t) => s + (t.balance ?? 0), 0) * 100,
          );
          if (total > budgetCents) violations.push(`budget ${total} > ${budgetCents}`);
          for (const g of gens) if (!g.activeBalance) violations.push(`${g.name} has activeBalance false`);
        }
      });
      return violations;
    },
  };
}
