// Backend setups over the fake Eden AI server, to run the same manager tests on v2 and on the v3
// Management API: `describe.each(BACKENDS)('... on $api', ({ create }) => ...)`.
import type { ClientOptions, TokenBackend, UsageSource } from 'edenai-token-manager';
import {
  CostClient,
  CustomTokenClient,
  ManagementKeyBackend,
  ManagementKeyClient,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI, type FakeEdenAIOptions } from 'edenai-token-manager/testing';

export interface BackendSetup {
  fake: FakeEdenAI;
  backend: TokenBackend;
  /** Where usage comes from on this API (`CostClient` on v2, the `ManagementKeyClient` on v3). */
  usageSource: UsageSource;
  close(): Promise<void>;
}

export interface BackendCase {
  api: 'v2' | 'v3';
  /** Where a token's value shows up: on reads (legacy v2) or only in create/rotate answers (v3). */
  valuesOn: 'read' | 'create';
  /** Whether `backend.rotate` exists (native same-key rotation). */
  nativeRotate: boolean;
  /** Matches the paths of the requests that read usage (cost reports). */
  usagePath: RegExp;
  /** The path of one token's resource on this API, for fault injection (`fake.inject({ match })`). */
  tokenPath(fake: FakeEdenAI, name: string): RegExp;
  /** The token a request path addresses (`undefined` for collection paths such as create or list). */
  tokenOf(fake: FakeEdenAI, path: string): string | undefined;
  /**
   * A fresh fake (in-process, `listen: false` unless overridden) and a backend on it. Retries never
   * wait; `fakeOptions.clock` is also given to the clients (Retry-After dates, v3 cache age).
   */
  create(fakeOptions?: FakeEdenAIOptions, clientOptions?: ClientOptions): Promise<BackendSetup>;
  /**
   * Another backend (and usage source) on an existing fake: a second process sharing the account,
   * with its own caches. Same defaults as `create`.
   */
  connect(
    fake: FakeEdenAI,
    clock?: () => Date,
    clientOptions?: ClientOptions,
  ): Pick<BackendSetup, 'backend' | 'usageSource'>;
}

const noWait = { retryDelay: () => 0 };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const V2_TOKEN = /^\/v2\/user\/custom_token\/([^/]+)\/$/;
const V3_KEY = /^\/v3\/manage\/keys\/([^/]+)\/(?:[a-z]+\/)?$/;

/** The id of the live v3 key named `name` (a uuid the fake made up); throws when there is none. */
function liveKeyId(fake: FakeEdenAI, name: string): string {
  const key = fake.keys().find((k) => k.name === name && !k.revoked);
  if (!key) throw new Error(`no live key named ${name} on the fake`);
  return key.id;
}

async function fakeFor(fakeOptions: FakeEdenAIOptions): Promise<FakeEdenAI> {
  return createFakeEdenAI({ listen: false, ...fakeOptions });
}

type CaseSpec = Omit<BackendCase, 'create'>;

/** `create` is the same on every API: a fresh fake, then `connect` to it. */
function withCreate(spec: CaseSpec): BackendCase {
  return {
    ...spec,
    async create(fakeOptions = {}, clientOptions = {}) {
      const fake = await fakeFor(fakeOptions);
      return { fake, ...spec.connect(fake, fakeOptions.clock, clientOptions), close: () => fake.close() };
    },
  };
}

export const BACKENDS: readonly BackendCase[] = [
  withCreate({
    api: 'v2',
    valuesOn: 'read',
    nativeRotate: false,
    usagePath: /^\/v2\/cost_management\//,
    tokenPath: (_fake, name) =>
      new RegExp(`^/v2/user/custom_token/${escapeRegExp(encodeURIComponent(name))}/$`),
    tokenOf: (_fake, path) => {
      const m = V2_TOKEN.exec(path);
      return m ? decodeURIComponent(m[1]!) : undefined;
    },
    connect(fake, clock, clientOptions = {}) {
      const options = { ...noWait, clock, ...clientOptions, ...fake.clientOptions };
      return { backend: new CustomTokenClient(options), usageSource: new CostClient(options) };
    },
  }),
  withCreate({
    api: 'v3',
    valuesOn: 'create',
    nativeRotate: true,
    usagePath: /^\/v3\/manage\/(?:keys\/[^/]+\/)?usage\/$/,
    tokenPath: (fake, name) => new RegExp(`^/v3/manage/keys/${escapeRegExp(liveKeyId(fake, name))}/`),
    tokenOf: (fake, path) => {
      const id = V3_KEY.exec(path)?.[1];
      return id === undefined ? undefined : fake.keys().find((k) => k.id === decodeURIComponent(id))?.name;
    },
    connect(fake, clock, clientOptions = {}) {
      const client = new ManagementKeyClient({
        ...noWait,
        clock,
        ...clientOptions,
        ...fake.managementClientOptions,
      });
      return { backend: new ManagementKeyBackend(clock ? { client, clock } : client), usageSource: client };
    },
  }),
];
