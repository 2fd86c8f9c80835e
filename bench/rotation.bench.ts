// Bulk rotation under Eden's 10 requests/second: how close to the limit a paced client gets, with
// no 429, and how many requests each rotated token costs — with DEFAULT client options (paced by
// default at Eden's 10/s). Side by side: the same work one token
// at a time (concurrency 1). BENCH_QUICK=1 rotates 40 tokens instead of 200.
import {
  CustomTokenClient,
  MemorySecretStore,
  MemoryStateStore,
  RotationManager,
  TokenRegistry,
} from 'edenai-token-manager';
import type { FakeEdenAI, FakeStateToken } from 'edenai-token-manager/testing';
import { createFakeEdenAI } from 'edenai-token-manager/testing';

const LIMIT = 10;
const LATENCY_MS = 20;
const quick = process.env['BENCH_QUICK'] === '1';
const BULK = quick ? 40 : 200;
const SEQUENTIAL = quick ? 8 : 20;

interface Measure {
  label: string;
  tokens: number;
  rotated: number;
  failed: number;
  requests: number;
  lists: number;
  tooMany: number;
  seconds: number;
}

function seed(fake: FakeEdenAI, environment: string, count: number): FakeStateToken[] {
  const expire = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const tokens: FakeStateToken[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push({
      name: `${environment}-app${String(i).padStart(3, '0')}`,
      value: `sk-eden-bench-${environment}-${i}-${Math.random().toString(36).slice(2)}`,
      tokenType: 'api_token',
      balance: '100.00',
      activeBalance: true,
      expireTime: expire,
      balanceResetPeriod: 'none',
      balanceResetAmount: null,
      resetPeriodKey: null,
    });
  }
  const state = fake.exportState();
  state.tokens.push(...tokens);
  fake.importState(state);
  return tokens;
}

async function measure(
  label: string,
  fake: FakeEdenAI,
  manager: RotationManager,
  environment: string,
  tokens: number,
  concurrency: number,
): Promise<Measure> {
  const before = fake.requests.length;
  const started = performance.now();
  const run = await manager.rotateExpiring({ withinDays: 7, environment, concurrency });
  const seconds = (performance.now() - started) / 1000;
  const log = fake.requests.slice(before);
  return {
    label,
    tokens,
    rotated: run.rotated.length,
    failed: run.failed.length + run.skipped.length,
    requests: log.length,
    lists: log.filter((r) => r.method === 'GET' && r.path === '/v2/user/custom_token/').length,
    tooMany: log.filter((r) => r.status === 429).length,
    seconds,
  };
}

function report(m: Measure): void {
  const rps = m.requests / m.seconds;
  console.log(
    `${m.label.padEnd(24)} ${String(m.rotated).padStart(4)}/${m.tokens} rotated, ${m.failed} failed | ` +
      `${m.requests} requests (${m.lists} list) in ${m.seconds.toFixed(1)} s = ${rps.toFixed(2)} req/s = ` +
      `${(rps / LIMIT).toFixed(3)} of the limit | ${m.tooMany} × 429 | ` +
      `${(m.requests / Math.max(1, m.rotated)).toFixed(2)} requests/token`,
  );
}

export default async function (): Promise<void> {
  const fake = await createFakeEdenAI({ latencyMs: LATENCY_MS, rateLimit: { perSecond: LIMIT } });
  try {
    const secrets = new MemorySecretStore();
    for (const t of [...seed(fake, 'bulk', BULK), ...seed(fake, 'seq', SEQUENTIAL)]) {
      await secrets.set(`edenai/${t.name}`, t.value, { metadata: { tokenName: t.name, generation: 1 } });
    }
    // Default options: the fake enforces a limit, so its clientOptions leave the SDK's pacing on.
    const client = new CustomTokenClient(fake.clientOptions);
    const registry = new TokenRegistry({
      backend: client,
      secrets,
      environments: { bulk: { budget: { max: 1000 } }, seq: { budget: { max: 1000 } } },
    });
    const manager = new RotationManager({ registry, state: new MemoryStateStore(), gracePeriodMs: 0 });
    console.log(
      `fake Eden AI on loopback: ${LATENCY_MS} ms latency, ${LIMIT} req/s limit; client with default options (paced at 10 req/s); gracePeriodMs 0`,
    );
    // Let the limiter's window empty between the runs.
    const sequential = await measure('sequential (1 at a time)', fake, manager, 'seq', SEQUENTIAL, 1);
    await new Promise((r) => setTimeout(r, 1100));
    const bulk = await measure('bulk (concurrency 4)', fake, manager, 'bulk', BULK, 4);
    report(sequential);
    report(bulk);
    console.log(
      `(the limit allows one request per ${1000 / LIMIT} ms and a request takes ~${LATENCY_MS} ms here, so even one ` +
        'rotation at a time can keep the pace; concurrency matters when latency nears that interval)',
    );
    const rps = bulk.requests / bulk.seconds;
    console.log(
      `targets: ≥ 0.95 of the limit: ${(rps / LIMIT).toFixed(3)} ${rps / LIMIT >= 0.95 ? 'OK' : 'MISSED'}; ` +
        `0 × 429: ${bulk.tooMany + sequential.tooMany === 0 ? 'OK' : 'MISSED'}; ` +
        `0 failed: ${bulk.failed + sequential.failed === 0 ? 'OK' : 'MISSED'}; ` +
        `≤ 4.5 requests/token: ${(bulk.requests / Math.max(1, bulk.rotated)).toFixed(2)} ` +
        `${bulk.requests / Math.max(1, bulk.rotated) <= 4.5 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await fake.close();
  }
}
