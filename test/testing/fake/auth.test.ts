import { inspect } from 'node:util';
import { createFakeEdenAI, type FakeEdenAI } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { setup, type Transport, tokenPath } from './helpers.js';

const TOKENS = '/user/custom_token/';
let fake: FakeEdenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe.each<Transport>(['http', 'in-process'])('auth over %s', (transport) => {
  it.each([
    ['no header', undefined],
    ['a wrong key', 'Bearer wrong-key'],
    ['another scheme', 'Token fake-edenai-api-key'],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 {"detail":"Invalid authentication credentials"} for %s', async (_label, header) => {
    const s = await setup(transport);
    fake = s.fake;
    const doFetch = transport === 'http' ? fetch : s.fake.fetch;
    const res = await doFetch(`${s.fake.baseUrl}${TOKENS}`, {
      headers: header === undefined ? {} : { authorization: header },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({ detail: 'Invalid authentication credentials' });
  });

  it('guards every endpoint and changes nothing', async () => {
    const s = await setup(transport);
    fake = s.fake;
    const bad = { headers: { authorization: 'Bearer wrong' } };
    for (const [method, path, body] of [
      ['GET', TOKENS],
      ['POST', TOKENS, { name: 'x' }],
      ['GET', tokenPath('x')],
      ['PATCH', tokenPath('x'), { balance: 1 }],
      ['DELETE', tokenPath('x')],
      ['GET', '/cost_management/?begin=2026-01-01&end=2026-01-02&step=1'],
      ['GET', '/cost_management/credits/'],
    ] as const) {
      const res = await s.call(method, path, body, bad);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toEqual({ detail: 'Invalid authentication credentials' });
    }
    expect(s.fake.tokens()).toEqual([]);
  });

  it('accepts a custom apiKey and a lowercase scheme, rejects the default key then', async () => {
    const s = await setup(transport, { apiKey: 'my-key' });
    fake = s.fake;
    expect(s.fake.apiKey).toBe('my-key');
    expect(
      (await s.call('GET', TOKENS, undefined, { headers: { authorization: 'bearer my-key' } })).status,
    ).toBe(200);
    expect(
      (await s.call('GET', TOKENS, undefined, { headers: { authorization: 'Bearer fake-edenai-api-key' } }))
        .status,
    ).toBe(401);
  });
});

describe('secrets never leak', () => {
  it('the API key and token values stay out of errors, logs, serialisation and inspection', async () => {
    const apiKey = 'sk-super-secret-api-key-123';
    const s = await setup('in-process', { apiKey });
    fake = s.fake;
    await s.call('POST', TOKENS, { name: 'prod-app' });
    const value = s.fake.tokenValue('prod-app')!;
    const texts: string[] = [];
    texts.push((await s.call('POST', TOKENS, { name: 'prod-app' })).text); // duplicate 400
    texts.push((await s.call('PATCH', tokenPath('prod-app'), { balance: 'x' })).text);
    texts.push(
      (await s.call('POST', TOKENS, { name: 'prod-app' }, { headers: { authorization: 'Bearer no' } })).text,
    );
    texts.push(
      JSON.stringify(s.fake),
      inspect(s.fake),
      JSON.stringify(s.fake.requests),
      JSON.stringify(s.fake.tokens()),
    );
    for (const attempt of [
      () => s.fake.simulateUsage({ token: value, cost: -1 }),
      () =>
        s.fake.importState({
          version: 1,
          credits: '1',
          tokens: [{ name: 'a', value, tokenType: 'bad' }],
          usage: [],
        } as never),
      () => s.fake.inject({ kind: value } as never),
    ]) {
      try {
        attempt();
        texts.push('did not throw');
      } catch (error) {
        texts.push(String(error), JSON.stringify(error), inspect(error));
      }
    }
    for (const text of texts) {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(value);
    }
    expect(texts).not.toContain('did not throw');
  });

  it('a bad option names the option, not its value', async () => {
    const error = await createFakeEdenAI({ apiKey: '   ' }).catch((e: unknown) => e);
    expect(String(error)).toContain('apiKey');
  });
});
