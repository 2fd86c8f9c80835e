// diagnose(): what the configured keys can do at Eden AI, read-only, on the fake set up the way
// Eden answers today (v2 token management refused to API keys, a management key short of a
// scope, cost reports refused, a host that cannot be reached), and never a key or value in the result.
import {
  CostClient,
  CustomTokenClient,
  type DiagnoseOptions,
  type Diagnosis,
  diagnose,
  ManagementKeyClient,
  MemorySecretStore,
  TokenRegistry,
} from 'edenai-token-manager';
import { createFakeEdenAI, type FakeEdenAI, type FakeEdenAIOptions } from 'edenai-token-manager/testing';
import { afterEach, describe, expect, it } from 'vitest';

const NOW = new Date('2026-12-06T09:00:00Z');
const clock = () => NOW;

let fakes: FakeEdenAI[] = [];
afterEach(async () => {
  for (const f of fakes) await f.close();
  fakes = [];
});

async function fake(options: FakeEdenAIOptions = {}): Promise<FakeEdenAI> {
  const f = await createFakeEdenAI({ listen: false, clock, ...options });
  fakes.push(f);
  return f;
}

/** Every client of the fake, with no retries (a refusal is an answer, not a glitch). */
function clients(
  f: FakeEdenAI,
  which: ('tokens' | 'costs' | 'management')[] = ['tokens', 'costs', 'management'],
) {
  const v2 = { ...f.clientOptions, maxRetries: 0 };
  const all: DiagnoseOptions = {
    tokens: new CustomTokenClient(v2),
    costs: new CostClient(v2),
    management: new ManagementKeyClient({ ...f.managementClientOptions, maxRetries: 0 }),
  };
  return Object.fromEntries(which.map((k) => [k, all[k]])) as DiagnoseOptions;
}

const byApi = (d: Diagnosis) => Object.fromEntries(d.checks.map((c) => [c.api, c]));
const statuses = (d: Diagnosis) => Object.fromEntries(d.checks.map((c) => [c.api, c.status]));

/** Creates a token through the fake's v2 API, so the account holds a value to leak. */
async function withToken(f: FakeEdenAI): Promise<void> {
  const registry = new TokenRegistry({
    backend: new CustomTokenClient(f.clientOptions),
    secrets: new MemorySecretStore(),
    environments: { prod: { budget: { default: 10 } } },
    clock,
  });
  await registry.create({ environment: 'prod', app: 'web-app' });
  f.simulateUsage({ token: 'prod-web-app', cost: 1.5 });
}

describe('diagnose', () => {
  it('finds everything usable on the fake, v2 configured', async () => {
    const f = await fake();
    await withToken(f);
    f.resetRequestLog();
    const d = await diagnose({ ...clients(f), clock });
    expect(d).toMatchObject({ api: 'v2', status: 'ok', recommendedApi: 'v2' });
    expect(statuses(d)).toEqual({
      'v2-tokens': 'ok',
      'v2-cost': 'ok',
      'v2-credits': 'ok',
      'v3-scopes': 'ok',
      'v3-keys': 'ok',
      'v3-usage': 'ok',
    });
    expect(d.checks.map((c) => [c.api, c.role])).toEqual([
      ['v2-tokens', 'required'],
      ['v2-cost', 'optional'],
      ['v2-credits', 'optional'],
      ['v3-scopes', 'unused'],
      ['v3-keys', 'unused'],
      ['v3-usage', 'unused'],
    ]);
    expect(d.checks.some((c) => c.fix)).toBe(false);
    expect(byApi(d)['v2-tokens']!.detail).toContain('1 token listed');
    expect(byApi(d)['v3-scopes']!.detail).toContain('manage:read, manage:write');
    // Read-only: one call per check, none of them a write.
    expect(f.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v2/user/custom_token/',
      'GET /v2/cost_management/',
      'GET /v2/cost_management/credits/',
      'GET /v3/manage/whoami/',
      'GET /v3/manage/keys/',
      'GET /v3/manage/usage/',
    ]);
  });

  it('with v3 configured, v2 is "unused" and its failures change nothing', async () => {
    const f = await fake({ v2TokenManagement: 'session-only' });
    const d = await diagnose({ ...clients(f), api: 'v3', clock });
    expect(d).toMatchObject({ api: 'v3', status: 'ok', recommendedApi: 'v3' });
    expect(byApi(d)['v2-tokens']).toMatchObject({ role: 'unused', status: 'refused' });
    expect(byApi(d)['v2-tokens']!.fix).toBeUndefined();
  });

  it('v2 token management refused to the API key: the fix says to move to v3', async () => {
    const f = await fake({ v2TokenManagement: 'session-only' });
    const d = await diagnose({ ...clients(f), clock });
    expect(d).toMatchObject({ status: 'unusable', recommendedApi: 'v3' });
    const tokens = byApi(d)['v2-tokens']!;
    expect(tokens.status).toBe('refused');
    expect(tokens.detail).toMatch(/refused token management to this API key \(401 /);
    expect(tokens.fix).toContain('This management key can manage keys on v3');
    expect(tokens.fix).toContain('--api v3');
    expect(tokens.fix).toContain('api.version: "v3"');
    expect(tokens.fix).toContain('docs/moving-to-v3.md');
    // The same key still reads costs: it is valid, only token management is refused.
    expect(byApi(d)['v2-cost']!.status).toBe('ok');

    const alone = await diagnose({ ...clients(f, ['tokens', 'costs']), clock });
    expect(alone.recommendedApi).toBeNull();
    expect(byApi(alone)['v2-tokens']!.fix).toContain('EDENAI_MANAGEMENT_KEY');
    expect(byApi(alone)['v2-tokens']!.fix).toContain('manage:read and manage:write');
    expect(byApi(alone)['v3-scopes']).toMatchObject({ status: 'skipped', role: 'unused' });
    expect(byApi(alone)['v3-scopes']!.fix).toBeUndefined();
  });

  it('a key Eden rejects everywhere is a bad key, not a refusal of token management', async () => {
    const f = await fake();
    const bad = { ...f.clientOptions, apiKey: 'not-the-key', maxRetries: 0 };
    const d = await diagnose({ tokens: new CustomTokenClient(bad), costs: new CostClient(bad), clock });
    expect(d.status).toBe('unusable');
    expect(byApi(d)['v2-tokens']!.detail).toContain('on cost reports too');
    expect(byApi(d)['v2-tokens']!.fix).toMatch(/Set EDENAI_API_KEY to a valid Eden AI API key/);
  });

  it('a v3 key missing a scope: names it, and v3 is unusable', async () => {
    const f = await fake({ managementScopes: ['manage:read'] });
    const d = await diagnose({ ...clients(f, ['management']), api: 'v3', clock });
    expect(d).toMatchObject({ api: 'v3', status: 'unusable', recommendedApi: null });
    const scopes = byApi(d)['v3-scopes']!;
    expect(scopes).toMatchObject({ status: 'refused', role: 'required', missingScopes: ['manage:write'] });
    expect(scopes.detail).toContain('has manage:read; the registry also needs manage:write');
    expect(scopes.fix).toContain('manage:write');
    expect(scopes.fix).toContain('EDENAI_MANAGEMENT_KEY');
    // Reads work with manage:read.
    expect(byApi(d)['v3-keys']!.status).toBe('ok');
    expect(byApi(d)['v2-tokens']).toMatchObject({ status: 'skipped', role: 'unused' });
  });

  it('the fake enforces the scopes whoami reports (a write needs manage:write)', async () => {
    const f = await fake({ managementScopes: ['manage:read'] });
    const client = new ManagementKeyClient({ ...f.managementClientOptions, maxRetries: 0 });
    expect((await client.whoami()).scopes).toEqual(['manage:read']);
    await expect(client.create({ name: 'prod-web-app' })).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('manage:write'),
    });
    const none = await fake({ managementScopes: [] });
    await expect(
      new ManagementKeyClient({ ...none.managementClientOptions, maxRetries: 0 }).list().toArray(),
    ).rejects.toMatchObject({ status: 403, message: expect.stringContaining('manage:read') });
    await expect(fake({ managementScopes: ['manage:everything'] })).rejects.toThrow(/managementScopes/);
  });

  it('a management key refused (an inference key): keys and usage are not tried', async () => {
    const f = await fake();
    const management = new ManagementKeyClient({
      ...f.managementClientOptions,
      apiKey: 'sk-eden-live-not-a-management-key',
      maxRetries: 0,
    });
    f.resetRequestLog();
    const d = await diagnose({ management, api: 'v3', clock });
    expect(byApi(d)['v3-scopes']).toMatchObject({ status: 'refused' });
    expect(byApi(d)['v3-scopes']!.detail).toContain('needs a management key');
    expect(byApi(d)['v3-scopes']!.fix).toContain('EDENAI_MANAGEMENT_KEY');
    expect(byApi(d)['v3-keys']).toMatchObject({
      status: 'skipped',
      detail: 'not checked: the management key was refused',
    });
    expect(f.requests).toHaveLength(1);
  });

  it('cost reports refused: a warning, token management still usable', async () => {
    const f = await fake();
    f.inject({ kind: 'status', status: 403, match: { path: '/cost_management/' } });
    const d = await diagnose({ ...clients(f, ['tokens', 'costs']), clock });
    expect(d).toMatchObject({ status: 'warnings', recommendedApi: 'v2' });
    const cost = byApi(d)['v2-cost']!;
    expect(cost).toMatchObject({ status: 'refused', role: 'optional' });
    expect(cost.fix).toContain('account owner');
    expect(byApi(d)['v2-credits']!.status).toBe('ok');
  });

  it('a host that cannot be reached: an error naming it, and the rest of that API not tried', async () => {
    const f = await fake();
    const down = { ...f.clientOptions, baseUrl: 'http://127.0.0.1:9/v2', fetch: undefined, maxRetries: 0 };
    const d = await diagnose({ tokens: new CustomTokenClient(down), costs: new CostClient(down), clock });
    expect(d.status).toBe('unusable');
    const tokens = byApi(d)['v2-tokens']!;
    expect(tokens.status).toBe('error');
    expect(tokens.detail).toContain('127.0.0.1:9');
    expect(tokens.fix).toContain('base URL');
    expect(byApi(d)['v2-cost']).toMatchObject({
      status: 'skipped',
      detail: 'not checked: the host could not be reached',
    });
  });

  it("Eden's newer v2 that masks values: listing works, but the registry could not store values", async () => {
    const f = await fake({ tokenValues: 'masked' });
    f.importState({
      version: 1,
      credits: '100',
      usage: [],
      tokens: [
        {
          name: 'prod-web-app',
          value: 'sk-eden-fake-0123456789abcdef0123456789abcdef',
          tokenType: 'api_token',
          balance: null,
          activeBalance: false,
          expireTime: null,
          balanceResetPeriod: 'none',
          balanceResetAmount: null,
          resetPeriodKey: null,
        },
      ],
    });
    const d = await diagnose({ ...clients(f), clock });
    expect(byApi(d)['v2-tokens']).toMatchObject({ status: 'unavailable' });
    expect(byApi(d)['v2-tokens']!.fix).toContain('--api v3');
    expect(d.recommendedApi).toBe('v3');
  });

  it('counts legacy keys (id: null) and says they must be regenerated', async () => {
    const f = await fake();
    await withToken(f);
    // Eden lists an un-migrated legacy key without an id.
    const legacyFetch: typeof fetch = async (input, init) => {
      const res = await f.fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).includes('/v3/manage/keys/')) return res;
      const page = (await res.json()) as { results: { id: string | null }[] };
      for (const k of page.results) k.id = null;
      return new Response(JSON.stringify(page), { status: res.status, headers: res.headers });
    };
    const management = new ManagementKeyClient({ ...f.managementClientOptions, fetch: legacyFetch });
    const d = await diagnose({ management, api: 'v3', clock });
    expect(byApi(d)['v3-keys']!.detail).toContain('1 legacy key without id');
    expect(byApi(d)['v3-keys']!.detail).toContain('regenerate');
  });

  it('never puts a key or a token value in its result', async () => {
    const source = await fake();
    await withToken(source);
    const f = await fake({ v2TokenManagement: 'session-only', managementScopes: ['manage:read'] });
    f.importState(source.exportState());
    const values = f.exportState().tokens.map((t) => t.value);
    expect(values.length).toBeGreaterThan(0);
    f.inject({ kind: 'status', status: 500, match: { path: '/cost_management/credits/' } });
    const results = [
      await diagnose({ ...clients(f), clock }),
      await diagnose({ ...clients(f), api: 'v3', clock }),
      await diagnose({ ...clients(await fake({ tokenValues: 'readable' })), clock }),
    ];
    const text = JSON.stringify(results);
    for (const secret of [f.apiKey, f.managementKey, ...values]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/sk-eden-fake-[0-9a-f]/);
  });

  it('an aborted signal throws; bad options are refused', async () => {
    const f = await fake();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(diagnose({ ...clients(f), signal: controller.signal })).rejects.toThrow('stop');
    await expect(diagnose({ api: 'v4' as 'v3' })).rejects.toMatchObject({ code: 'invalid_input' });
    const none = await diagnose({ clock });
    expect(none.status).toBe('unusable');
    expect(byApi(none)['v2-tokens']).toMatchObject({ status: 'skipped' });
    expect(byApi(none)['v2-tokens']!.fix).toContain('Set EDENAI_API_KEY');
  });
});
