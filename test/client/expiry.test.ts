// Eden requires a future expiry: one that has passed (or is not a date) is refused before any
// request, by the low-level clients (against their own `clock`) and by `TokenRegistry.apply`
// (a hand-written or stale plan). A token expiring at once would be useless, silently.
import {
  CustomTokenClient,
  InvalidInputError,
  ManagementKeyClient,
  MemorySecretStore,
  TokenRegistry,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';

// Earlier than the machine's clock on purpose: the clients must compare with the injected one.
const NOW = new Date('2025-01-15T12:00:00Z');
const DAY = 86_400_000;
const clock = () => NOW;
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start() {
  fake = await createFakeEdenAI({ listen: false, clock });
  const v2 = new CustomTokenClient({ ...fake.clientOptions, retryDelay: () => 0 });
  const v3 = new ManagementKeyClient({ ...fake.managementClientOptions, retryDelay: () => 0 });
  return { fake, v2, v3, sent: () => fake!.requests.filter((r) => r.method !== 'GET').length };
}

async function refusal(work: Promise<unknown>): Promise<InvalidInputError> {
  const error = await work.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  return error as InvalidInputError;
}

describe('low-level clients', () => {
  it('v2 create and update refuse a past, present or invalid expiry before any request', async () => {
    const { v2, sent } = await start();
    await v2.create({ name: 'prod-web-app', expireTime: at(30) });
    for (const expireTime of [at(-1), NOW, new Date('nope')]) {
      const e = await refusal(v2.create({ name: 'prod-api', expireTime }));
      expect(e.field).toBe('expireTime');
      await refusal(v2.update('prod-web-app', { expireTime }));
    }
    expect((await refusal(v2.create({ name: 'x', expireTime: at(-1) }))).message).toMatch(
      /not in the future/,
    );
    expect(sent()).toBe(1);
    // Removing the expiry, and moving it to the future, are fine.
    await v2.update('prod-web-app', { expireTime: null });
    await v2.update('prod-web-app', { expireTime: at(60) });
  });

  it('v3 create and update refuse it too', async () => {
    const { v3, sent } = await start();
    const key = await v3.create({ name: 'prod-web-app', expireTime: at(30) });
    await refusal(v3.create({ name: 'prod-api', expireTime: at(-2) }));
    await refusal(v3.update(key.id!, { expireTime: at(-2) }));
    await refusal(v3.update(key.id!, { name: 'renamed', expireTime: new Date(Number.NaN) }));
    // The create and its PATCH removing the one-time creation marker; nothing refused was sent.
    expect(sent()).toBe(2);
  });

  it('compare with the system clock when none is given', async () => {
    let calls = 0;
    const client = new CustomTokenClient({
      apiKey: 'test-api-key-5c1b9e',
      fetch: (async () => {
        calls++;
        return new Response('{}');
      }) as typeof fetch,
    });
    await refusal(client.create({ name: 'x', expireTime: new Date(Date.now() - 60_000) }));
    expect(calls).toBe(0);
  });
});

describe('TokenRegistry.apply', () => {
  it('refuses a plan whose expiry has passed, before any request', async () => {
    const { v2, sent } = await start();
    await v2.create({ name: 'staging-web', expireTime: at(10) });
    const registry = new TokenRegistry({
      backend: v2,
      secrets: new MemorySecretStore(),
      environments: { staging: { expiry: { defaultDays: 90 } } },
      clock,
    });
    const stale = {
      actions: [
        {
          type: 'update' as const,
          name: 'staging-web',
          environment: 'staging',
          app: 'web',
          changes: [{ field: 'expireTime', from: at(10), to: at(-3).toISOString() }],
        },
      ],
    };
    const before = sent();
    const e = await refusal(registry.apply(stale));
    expect(e.message).toMatch(/not in the future/);
    expect(sent()).toBe(before);
    expect(fake!.tokens().find((t) => t.name === 'staging-web')?.expireTime).toEqual(at(10));
  });
});
