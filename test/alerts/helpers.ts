import type { Alert, EdenToken } from 'edenai-token-manager';
import { CallbackNotifier } from 'edenai-token-manager';
import { parseTokenName } from '../../src/registry/naming.js';
import { parseEnvironments } from '../../src/registry/policy.js';
import type {
  EnvironmentPolicyInput,
  ManagedToken,
  RegistryView,
  TokensByEnvironment,
} from '../../src/registry/types.js';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** A movable clock: `clock()` for the SUT, `clock.advance(ms)` / `clock.set(date)` for the test. */
export function fakeClock(start: string | Date) {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (d: string | Date) => {
    now = new Date(d).getTime();
  };
  clock.ms = () => now;
  return clock;
}

/** A managed token with sensible defaults; `name` is `{environment}-{app}`. */
export function token(environment: string, app: string, patch: Partial<ManagedToken> = {}): ManagedToken {
  const name = `${environment}-${app}`;
  const generation = patch.generation ?? 1;
  return {
    name,
    tokenName: generation > 1 ? `${name}--g${generation}` : name,
    generation,
    environment,
    app,
    tokenType: 'api_token',
    budget: null,
    budgetSource: null,
    balance: null,
    activeBalance: false,
    expireTime: null,
    balanceResetPeriod: 'none',
    balanceResetAmount: null,
    secretRef: `tokens/${name}`,
    generations: [generation > 1 ? `${name}--g${generation}` : name],
    ...patch,
  };
}

export interface StubRegistry extends RegistryView {
  tokens: ManagedToken[];
  unmanaged: EdenToken[];
  calls: number;
  /** Replaces a token (by logical name) with a patched copy; a new `generation` renames it. */
  update(name: string, patch: Partial<ManagedToken>): void;
}

/** A RegistryView over a mutable token list, as the real registry would list them. */
export function stubRegistry(
  environments: Record<string, EnvironmentPolicyInput>,
  tokens: ManagedToken[] = [],
  unmanaged: EdenToken[] = [],
): StubRegistry {
  const envs = parseEnvironments(environments);
  const names = Object.keys(envs);
  const view: StubRegistry = {
    environments: envs,
    tokens,
    unmanaged,
    calls: 0,
    parseName: (n: string) => parseTokenName(n, names),
    async list(filter?: { environment?: string }) {
      return view.tokens.filter((t) => !filter?.environment || t.environment === filter.environment);
    },
    async byEnvironment() {
      view.calls++;
      const out: Record<string, ManagedToken[]> = {};
      for (const env of names) out[env] = [];
      for (const t of view.tokens) out[t.environment]?.push(t);
      return Object.assign(out, { unmanaged: view.unmanaged }) as TokensByEnvironment;
    },
    async get(name: string) {
      const t = view.tokens.find((x) => x.name === name || x.generations.includes(name));
      if (!t) throw new Error(`not found: ${name}`);
      return t;
    },
    update(name: string, patch: Partial<ManagedToken>) {
      const i = view.tokens.findIndex((t) => t.name === name);
      const t = view.tokens[i]!;
      view.tokens[i] = { ...t, ...patch, ...tn(t, patch) };
    },
  };
  return view;
}

function tn(t: ManagedToken, patch: Partial<ManagedToken>) {
  const generation = patch.generation ?? t.generation;
  const tokenName = generation > 1 ? `${t.name}--g${generation}` : t.name;
  return { tokenName, generations: [tokenName] };
}

/** A notifier recording every batch it receives. */
export function recorder(name = 'recorder') {
  const batches: Alert[][] = [];
  const notifier = new CallbackNotifier(
    (alerts) => {
      batches.push(alerts);
    },
    { name },
  );
  return {
    notifier,
    batches,
    get all() {
      return batches.flat();
    },
    ids() {
      return batches.flat().map((a) => a.id);
    },
  };
}
