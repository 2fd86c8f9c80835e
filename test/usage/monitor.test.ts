import { ConfigurationError, InvalidInputError, MemoryUsageSource, UsageMonitor } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { counting, rec } from './records.js';
import { managed, stubRegistry } from './stub-registry.js';

const ENVS = ['dev', 'staging', 'prod', 'prod-eu'];
const clock = () => new Date('2024-02-01T12:00:00Z');

function world() {
  const registry = stubRegistry(ENVS, [
    managed('prod-web-app', {
      tokenName: 'prod-web-app--g3',
      generation: 3,
      generations: ['prod-web-app--g3'],
    }),
    managed('prod-api-gateway'),
    managed('prod-eu-web-app', { environment: 'prod-eu', app: 'web-app' }),
    managed('dev-web-app'),
    managed('dev-testing'),
  ]);
  const memory = new MemoryUsageSource([
    // prod-web-app: three generations, the second deleted long ago (the registry no longer lists it)
    rec('prod-web-app', '2024-01-01', 0.1, 1, 'text__chat', 'openai'),
    rec('prod-web-app--g2', '2024-01-02', 0.2, 2, 'text__chat', 'anthropic'),
    rec('prod-web-app--g3', '2024-01-03', 0.3, 3, 'ocr__ocr', 'google'),
    rec('prod-web-app--g3', '2024-01-03', 0.05, 1, 'text__chat', 'openai'),
    // prefix look-alikes that are other tokens
    rec('prod-web-app-v2', '2024-01-03', 100, 1),
    rec('prod-eu-web-app', '2024-01-03', 7, 7),
    rec('prod-api-gateway', '2024-01-31', 1234.5, 1000),
    rec('dev-web-app', '2024-01-05', 0, 1234, 'text__chat', 'openai'),
    // a token deleted since the period, and usage outside every environment
    rec('staging-old-app', '2024-01-06', 3.89, 456),
    rec('base_token', '2024-01-06', 1, 10),
    rec('my-token', '2024-01-07', 2, 20),
    // outside the range
    rec('prod-web-app', '2023-12-31', 50, 5),
    rec('prod-web-app', '2024-02-01', 50, 5),
  ]);
  const { source, queries } = counting(memory);
  return { registry, memory, source, queries };
}

const JAN = { from: '2024-01-01', to: '2024-01-31' };

describe('UsageMonitor.tokenUsage', () => {
  it('sums every generation of the logical token, even one the registry no longer lists', async () => {
    const { registry, source, queries } = world();
    const u = await new UsageMonitor({ registry, source, clock }).tokenUsage('prod-web-app', JAN);
    expect(u).toEqual({
      name: 'prod-web-app',
      range: JAN,
      tokenNames: ['prod-web-app', 'prod-web-app--g2', 'prod-web-app--g3'],
      totalCost: 0.65,
      totalCalls: 7,
      avgCostPerCall: expect.closeTo(0.65 / 7, 15),
      byDay: [
        { date: '2024-01-01', cost: 0.1, calls: 1 },
        { date: '2024-01-02', cost: 0.2, calls: 2 },
        { date: '2024-01-03', cost: 0.35, calls: 4 },
      ],
      byFeature: [
        { feature: 'text__chat', cost: 0.35, calls: 4 },
        { feature: 'ocr__ocr', cost: 0.3, calls: 3 },
      ],
      byProvider: [
        { provider: 'google', cost: 0.3 },
        { provider: 'anthropic', cost: 0.2 },
        { provider: 'openai', cost: 0.15 },
      ],
    });
    // One unfiltered request for the range (it fits one window), not one per generation.
    expect(queries).toEqual([{ step: 1, begin: '2024-01-01', end: '2024-01-31' }]);
  });

  it('gives the same answer for a generation name as for the logical name', async () => {
    const { registry, source } = world();
    const monitor = new UsageMonitor({ registry, source, clock });
    const byGeneration = await monitor.tokenUsage('prod-web-app--g2', JAN);
    expect(byGeneration).toEqual(await monitor.tokenUsage('prod-web-app', JAN));
  });

  it("with tokenQuery 'byName', asks per generation name up to the current one", async () => {
    const { registry, source, queries } = world();
    const monitor = new UsageMonitor({ registry, source, clock, tokenQuery: 'byName' });
    const u = await monitor.tokenUsage('prod-web-app', JAN);
    expect(u.totalCost).toBe(0.65);
    expect(queries.map((q) => q.token).sort()).toEqual([
      'prod-web-app',
      'prod-web-app--g2',
      'prod-web-app--g3',
    ]);
  });

  it("with tokenQuery 'byName', still finds a token the registry no longer manages", async () => {
    const { registry, source, queries } = world();
    const monitor = new UsageMonitor({ registry, source, clock, tokenQuery: 'byName' });
    const u = await monitor.tokenUsage('staging-old-app', JAN);
    expect([u.totalCost, u.totalCalls]).toEqual([3.89, 456]);
    expect(queries.map((q) => q.token)).toEqual(['staging-old-app']);
  });

  it('treats a name outside every environment as one exact Eden name, asked with a token filter', async () => {
    const { registry, source, queries } = world();
    const u = await new UsageMonitor({ registry, source, clock }).tokenUsage('my-token', JAN);
    expect([u.name, u.totalCost, u.totalCalls, u.tokenNames]).toEqual(['my-token', 2, 20, ['my-token']]);
    expect(queries).toEqual([{ step: 1, token: 'my-token', begin: '2024-01-01', end: '2024-01-31' }]);
  });

  it('splits a long range into windows and gets the same totals', async () => {
    const { registry, source, queries } = world();
    const monitor = new UsageMonitor({ registry, source, clock, maxRangeDays: 7, concurrency: 2 });
    const u = await monitor.tokenUsage('prod-web-app', { from: '2023-12-01', to: '2024-02-29' });
    expect(queries).toHaveLength(13);
    expect(u.totalCost).toBe(100.65);
    expect(u.totalCalls).toBe(17);
  });

  it('rejects bad input before any request', async () => {
    const { registry, source, queries } = world();
    const monitor = new UsageMonitor({ registry, source, clock });
    await expect(
      monitor.tokenUsage('prod-web-app', { from: '2024-02-01', to: '2024-01-01' }),
    ).rejects.toThrow(InvalidInputError);
    await expect(
      monitor.tokenUsage('prod-web-app', { from: '2024-13-01', to: '2024-12-01' }),
    ).rejects.toThrow(/range.from/);
    await expect(monitor.tokenUsage('', JAN)).rejects.toThrow(/token name/);
    expect(queries).toHaveLength(0);
  });
});

describe('UsageMonitor.report', () => {
  it('lists every declared environment with its managed token count and totals', async () => {
    const { registry, source, queries } = world();
    const r = await new UsageMonitor({ registry, source, clock }).report(JAN);
    expect(r.range).toEqual(JAN);
    expect(r.generatedAt).toBe('2024-02-01T12:00:00.000Z');
    expect(
      r.environments.map((e) => [e.environment, e.tokens, e.totalCost, e.totalCalls, e.avgCostPerCall]),
    ).toEqual([
      ['dev', 2, 0, 1234, 0],
      ['staging', 0, 3.89, 456, expect.closeTo(3.89 / 456, 15)],
      ['prod', 2, 1335.15, 1008, expect.closeTo(1335.15 / 1008, 15)],
      ['prod-eu', 1, 7, 7, 1],
    ]);
    expect([r.totalCost, r.totalCalls]).toEqual([1346.04, 2705]);
    expect(r.unmanaged).toEqual({
      tokens: 2,
      totalCost: 3,
      totalCalls: 30,
      avgCostPerCall: 0.1,
      byDay: [
        { date: '2024-01-06', cost: 1, calls: 10 },
        { date: '2024-01-07', cost: 2, calls: 20 },
      ],
    });
    expect(r.environments[2]!.byDay).toEqual([
      { date: '2024-01-01', cost: 0.1, calls: 1 },
      { date: '2024-01-02', cost: 0.2, calls: 2 },
      { date: '2024-01-03', cost: 100.35, calls: 5 },
      { date: '2024-01-31', cost: 1234.5, calls: 1000 },
    ]);
    expect(queries).toHaveLength(1);
  });

  it('has a row per logical token: managed ones (even idle), deleted ones, then unmanaged names', async () => {
    const { registry, source } = world();
    const r = await new UsageMonitor({ registry, source, clock }).report(JAN);
    expect(
      r.tokenRows.map((t) => [t.name, t.environment, t.app, t.managed, t.totalCost, t.totalCalls]),
    ).toEqual([
      ['dev-testing', 'dev', 'testing', true, 0, 0],
      ['dev-web-app', 'dev', 'web-app', true, 0, 1234],
      ['staging-old-app', 'staging', 'old-app', false, 3.89, 456],
      ['prod-api-gateway', 'prod', 'api-gateway', true, 1234.5, 1000],
      ['prod-web-app', 'prod', 'web-app', true, 0.65, 7],
      ['prod-web-app-v2', 'prod', 'web-app-v2', false, 100, 1],
      ['prod-eu-web-app', 'prod-eu', 'web-app', true, 7, 7],
      ['base_token', null, null, false, 1, 10],
      ['my-token', null, null, false, 2, 20],
    ]);
  });

  it('leaves `unmanaged` out when every name belongs to an environment', async () => {
    const registry = stubRegistry(['dev'], []);
    const source = new MemoryUsageSource([rec('dev-a', '2024-01-01', 1)]);
    const r = await new UsageMonitor({ registry, source, clock }).report(JAN);
    expect(r.unmanaged).toBeUndefined();
    expect(r.environments).toEqual([
      {
        environment: 'dev',
        tokens: 0,
        totalCost: 1,
        totalCalls: 1,
        avgCostPerCall: 1,
        byDay: [{ date: '2024-01-01', cost: 1, calls: 1 }],
      },
    ]);
  });

  it('parses each distinct token name once, not once per record', async () => {
    const { registry, memory } = world();
    let parses = 0;
    const counted = {
      ...registry,
      parseName: (n: string) => {
        parses++;
        return registry.parseName(n);
      },
    };
    for (let i = 0; i < 500; i++) memory.add([rec('prod-web-app', '2024-01-10', 0.01)]);
    await new UsageMonitor({ registry: counted, source: memory, clock }).report(JAN);
    expect(parses).toBe(10); // distinct names in January
  });
});

describe('UsageMonitor options', () => {
  it('refuses a missing registry or source and bad numbers with ConfigurationError', () => {
    const { registry, source } = world();
    expect(() => new UsageMonitor({ registry: undefined as never, source })).toThrow(ConfigurationError);
    expect(() => new UsageMonitor({ registry, source: {} as never })).toThrow(/source/);
    expect(() => new UsageMonitor({ registry, source, maxRangeDays: 0 })).toThrow(/maxRangeDays/);
    expect(() => new UsageMonitor({ registry, source, concurrency: 2.5 })).toThrow(/concurrency/);
    expect(() => new UsageMonitor({ registry, source, tokenQuery: 'some' as never })).toThrow(/tokenQuery/);
    expect(() => new UsageMonitor({ registry, source, timeZone: 'Mars/Olympus' })).toThrow(/timeZone/);
  });
});

describe('UsageMonitor request options', () => {
  it('passes the caller’s signal to the registry and the usage source', async () => {
    const { registry: base, memory } = world();
    const signal = new AbortController().signal;
    const seen: string[] = [];
    const note = (what: string, options?: { signal?: AbortSignal }) => {
      seen.push(`${what} ${options?.signal === signal ? 'signal' : 'none'}`);
    };
    const registry = {
      ...base,
      list(options?: { signal?: AbortSignal }) {
        note('list', options);
        return base.list(options);
      },
      get(name: string, options?: { signal?: AbortSignal }) {
        note('get', options);
        return base.get(name);
      },
    };
    const source = {
      usage(q: Parameters<typeof memory.usage>[0], options?: { signal?: AbortSignal }) {
        note('usage', options);
        return memory.usage(q);
      },
    };
    const monitor = new UsageMonitor({ registry, source, clock, tokenQuery: 'byName' });
    await monitor.tokenUsage('prod-web-app', JAN, { signal });
    await monitor.report(JAN, { signal });
    await monitor.forecast('prod-web-app', { signal });
    await monitor.forecastAll({ signal });
    await monitor.reconcile('prod-web-app', { ...JAN, balanceBefore: 1, balanceAfter: 1 }, { signal });
    expect(new Set(seen)).toEqual(new Set(['get signal', 'list signal', 'usage signal']));
  });
});
