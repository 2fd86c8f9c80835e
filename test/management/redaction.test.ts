// Invariant 1 on v3: no key value and no management key in any error, log line or
// JSON.stringify / inspect output of an SDK object — only `reveal()` shows a value.
import { inspect } from 'node:util';
import {
  ManagementKeyBackend,
  ManagementKeyClient,
  MemorySecretStore,
  TokenRegistry,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, exposed } from './helpers.js';

const MGMT = 'mgmt-eden-redaction-test-key-0042';
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('no value and no management key leak', () => {
  it('through results, errors, logs and the registry', async () => {
    fake = await createFakeEdenAI({ listen: false, managementKey: MGMT });
    const { logger, lines } = captureLogger();
    const options = { ...fake.managementClientOptions, logger, retryDelay: () => 0 };
    const client = new ManagementKeyClient(options);
    const backend = new ManagementKeyBackend(client);
    const registry = new TokenRegistry({
      backend,
      secrets: new MemorySecretStore(),
      environments: { prod: {} },
      logger,
    });
    const seen: unknown[] = [client, backend, registry];
    const errors: unknown[] = [];
    const attempt = async (work: () => Promise<unknown>) => {
      try {
        seen.push(await work());
      } catch (error) {
        errors.push(error);
      }
    };

    const created = await client.create({ name: 'direct' });
    seen.push(
      created,
      await client.rotate(created.id!),
      await client.list().toArray(),
      await client.whoami(),
    );
    seen.push(await registry.create({ environment: 'prod', app: 'web-app' }), await registry.list());
    seen.push(await backend.rotate!('prod-web-app'));
    // Errors of every kind, some with a value in the answer body.
    fake.inject({
      kind: 'status',
      status: 200,
      body: { id: 'x', secret: fake.tokenValue('direct') },
      match: { method: 'GET' },
    });
    await attempt(() => client.get(created.id!));
    fake.inject({ kind: 'status', status: 500, body: { detail: `boom ${fake.tokenValue('direct')}` } });
    await attempt(() => client.get(created.id!, { maxRetries: 0 }));
    fake.inject({ kind: 'html', status: 502 });
    await attempt(() => client.whoami({ maxRetries: 0 }));
    fake.inject({ kind: 'drop' });
    await attempt(() => client.whoami({ maxRetries: 0 }));
    await attempt(() => registry.create({ environment: 'prod', app: 'web-app' }));
    await attempt(() =>
      new ManagementKeyClient({ ...options, apiKey: fake!.tokenValue('direct')! }).list().toArray(),
    );
    await attempt(() => new ManagementKeyClient({ ...options, apiKey: fake!.apiKey }).whoami());
    expect(errors).toHaveLength(7);

    const values = [
      MGMT,
      fake.tokenValue('direct')!,
      fake.tokenValue('prod-web-app')!,
      created.secret.reveal(),
    ];
    const texts = [
      ...seen.map((s) => JSON.stringify(s) ?? ''),
      ...seen.map((s) => inspect(s, { depth: 8 })),
      ...errors.map((e) => `${exposed(e)}\n${inspect(e, { depth: 8 })}`),
      JSON.stringify(lines),
    ];
    for (const value of values) for (const text of texts) expect(text).not.toContain(value);
    // The values are there for whoever asks for them.
    expect(created.secret.reveal()).toMatch(/^sk-eden-fake-/);
    expect(lines.length).toBeGreaterThan(10);
  });
});
