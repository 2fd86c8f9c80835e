// Two RotationManagers in two processes race on one token, through Redis (locks and journals),
// one FileSecretStore file and one fake Eden AI server over HTTP: exactly one rotation happens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CustomTokenClient, FileSecretStore, TokenRegistry } from 'edenai-token-manager';
import type { FakeEdenAI } from 'edenai-token-manager/testing';
import { createFakeEdenAI } from 'edenai-token-manager/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACE_ENVIRONMENTS } from '../fixtures/race-environments.js';
import { hasRedisServer, type RedisServer, startRedisServer } from '../fixtures/redis-server.js';
import { runWorkers } from '../fixtures/spawn-workers.js';

const worker = fileURLToPath(new URL('../fixtures/race-worker.ts', import.meta.url));
const TOKENS_KEY = 'race-test-passphrase-0123456789';
const available = hasRedisServer();

interface Report {
  outcome: 'rotated' | 'in-progress' | 'failed';
  newTokenName?: string;
  error?: string;
  message?: string;
}

const race = (args: string[], env: Record<string, string>, n = 2) => runWorkers<Report>(worker, n, args, env);

describe.skipIf(!available)('two processes rotating one token through Redis', () => {
  let redis: RedisServer;
  let eden: FakeEdenAI;
  let dir: string;
  beforeAll(async () => {
    [redis, eden, dir] = await Promise.all([
      startRedisServer(),
      // A little latency keeps the first rotation in flight while the second process reaches the lock.
      createFakeEdenAI({ listen: true, latencyMs: 25 }),
      mkdtemp(join(tmpdir(), 'race-')),
    ]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), eden?.close(), dir && rm(dir, { recursive: true, force: true })]);
  });

  it('exactly one rotation happens; the other process is told one is in progress', async () => {
    const secretsPath = join(dir, 'tokens.enc');
    const secrets = new FileSecretStore({ path: secretsPath, key: TOKENS_KEY });
    const client = new CustomTokenClient({ apiKey: eden.apiKey, baseUrl: eden.baseUrl });
    const registry = new TokenRegistry({ backend: client, secrets, environments: RACE_ENVIRONMENTS });
    await registry.create({ environment: 'prod', app: 'web-app', budget: 200 });

    const reports = await race([eden.baseUrl, redis.url, secretsPath, 'race:', 'prod-web-app'], {
      EDENAI_API_KEY: eden.apiKey,
      EDENAI_TOKENS_KEY: TOKENS_KEY,
    });

    const rotated = reports.filter((r) => r.outcome === 'rotated');
    const others = reports.filter((r) => r.outcome !== 'rotated');
    expect(rotated, JSON.stringify(reports)).toHaveLength(1);
    expect(others.map((r) => r.error)).toEqual(['RotationInProgressError']);
    expect(rotated[0]?.newTokenName).toBe('prod-web-app--g2');

    // One new generation at Eden (the old one lives on for the grace period), and the shared
    // secret store's current entry holds the new generation's value.
    expect(
      eden
        .tokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['prod-web-app', 'prod-web-app--g2']);
    expect(eden.requests.filter((r) => r.method === 'POST')).toHaveLength(2); // setup + one rotation
    const entry = await secrets.get(registry.secretRefFor('prod-web-app'));
    expect(entry?.metadata?.['tokenName']).toBe('prod-web-app--g2');
    expect(entry?.value.reveal()).toBe(eden.tokenValue('prod-web-app--g2'));

    // The coordination happened in Redis: the rotation's journal is there, under the prefix.
    const inspectRedis = new Redis(redis.port, '127.0.0.1');
    const keys = await inspectRedis.scan('0', 'MATCH', 'race:*', 'COUNT', 1000);
    await inspectRedis.quit();
    expect(keys[1].some((k) => k.startsWith('race:rotation/'))).toBe(true);
  });
});
