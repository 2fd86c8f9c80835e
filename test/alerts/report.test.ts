import { inspect } from 'node:util';
import { AlertSystem, formatHealthReport, Secret } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { DAY, fakeClock, HOUR, recorder, stubRegistry, token } from './helpers.js';

const NOW = '2024-01-31T09:00:00Z';

/** The tutorial's example setup: dev, staging (expiring in 12 days, one low), prod. */
function tutorialSetup() {
  const clock = fakeClock(NOW);
  const inDays = (d: number) => new Date(clock.ms() + d * DAY - HOUR);
  const budget = (amount: number, balance: number) => ({
    activeBalance: true,
    balance,
    balanceResetPeriod: 'monthly' as const,
    balanceResetAmount: amount,
  });
  const registry = stubRegistry(
    {
      dev: { tokenType: 'sandbox_api_token' },
      staging: { budget: { default: 50, max: 100 }, expiry: { defaultDays: 90 } },
      prod: {
        budget: { default: 500, max: 2000 },
        expiry: { required: true, defaultDays: 90, maxDays: 180 },
      },
    },
    [
      token('dev', 'web-app', { tokenType: 'sandbox_api_token' }),
      token('dev', 'mobile-app', { tokenType: 'sandbox_api_token' }),
      token('dev', 'testing', { tokenType: 'sandbox_api_token' }),
      token('staging', 'web-app', { ...budget(50, 8.45), expireTime: inDays(12) }),
      token('staging', 'mobile-app', { ...budget(50, 42.1), expireTime: inDays(12) }),
      token('prod', 'web-app', { ...budget(500, 478.9), expireTime: inDays(85) }),
      token('prod', 'mobile-app', { ...budget(500, 456.23), expireTime: inDays(85) }),
      token('prod', 'api-gateway', { ...budget(1000, 892.34), expireTime: inDays(85) }),
    ],
  );
  return { clock, registry };
}

describe('health report', () => {
  it('reads like the tutorial\'s "Token Health Report"', async () => {
    const { clock, registry } = tutorialSetup();
    const report = await new AlertSystem({ registry, notifiers: [], clock }).run();
    const text = formatHealthReport(report);
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual(['='.repeat(60), 'Token Health Report', '='.repeat(60), '']);
    expect(text).toContain(
      [
        '⚠️  EXPIRING TOKENS:',
        '-'.repeat(60),
        '🟡 staging-web-app',
        '   Expires in 12 days',
        '🟡 staging-mobile-app',
        '   Expires in 12 days',
        '',
      ].join('\n'),
    );
    expect(text).toContain(
      ['⚠️  LOW BALANCE TOKENS:', '-'.repeat(60), '🟡 staging-web-app', '   Balance: $8.45 of $50.00'].join(
        '\n',
      ),
    );
    expect(text).toContain('🗂️  Tokens by Environment');
    expect(text).toContain(['DEV:', '  ✓ dev-web-app', '  ✓ dev-mobile-app', '  ✓ dev-testing'].join('\n'));
    expect(text).toContain(
      [
        'STAGING:',
        '  ⚠️ staging-web-app',
        '     Balance: $8.45',
        '     Expires in: 12 days',
        '  ⚠️ staging-mobile-app',
        '     Balance: $42.10',
        '     Expires in: 12 days',
      ].join('\n'),
    );
    expect(text).toContain(
      ['  ✓ prod-api-gateway', '     Balance: $892.34', '     Expires in: 85 days'].join('\n'),
    );
    // The structured report agrees with the text.
    const staging = report.environments.find((e) => e.environment === 'staging')!;
    expect(staging.tokens.map((t) => [t.name, t.status, t.balance, t.daysToExpiry])).toEqual([
      ['staging-web-app', 'warning', 8.45, 12],
      ['staging-mobile-app', 'warning', 42.1, 12],
    ]);
  });

  it('says "All token balances adequate" and shows critical marks and expired tokens', async () => {
    const clock = fakeClock(NOW);
    const registry = stubRegistry({ prod: {} }, [
      token('prod', 'gone', { expireTime: new Date(clock.ms() - 2 * DAY - HOUR) }),
      token('prod', 'soon', { expireTime: new Date(clock.ms() + 2 * DAY) }),
      token('prod', 'fine', { activeBalance: true, balance: 100 }),
    ]);
    const failing = { name: 'pager', notify: async () => Promise.reject(new Error('pager offline')) };
    const text = formatHealthReport(await new AlertSystem({ registry, notifiers: [failing], clock }).run());
    expect(text).toContain('✓ All token balances adequate');
    expect(text).toContain('🔴 prod-gone\n   Expired 2 days ago');
    expect(text).toContain('🔴 prod-soon\n   Expires in 2 days');
    expect(text).toContain('  🔴 prod-gone\n     Expired 2 days ago');
    expect(text).toContain('  ✓ prod-fine\n     Balance: $100.00');
    expect(text).toContain('❌ NOTIFIER FAILURES:');
    expect(text).toContain('   pager: pager offline');
  });

  it('says "No tokens expiring soon" when none are', async () => {
    const registry = stubRegistry({ dev: {} }, [token('dev', 'x')]);
    const text = formatHealthReport(await new AlertSystem({ registry, notifiers: [] }).run());
    expect(text).toContain('✓ No tokens expiring soon\n\n✓ All token balances adequate');
  });

  it('never contains a token value: alerts, messages, report, text, notifier payloads', async () => {
    const VALUE = 'sk-live-SUPER-SECRET-VALUE-123';
    const clock = fakeClock(NOW);
    const registry = stubRegistry(
      { prod: { expiry: { required: true } } },
      [
        token('prod', 'web', {
          activeBalance: true,
          balance: 1,
          balanceResetPeriod: 'daily',
          balanceResetAmount: 100,
          expireTime: new Date(clock.ms() + DAY),
        }),
        // A registry view may carry extra fields (e.g. the Eden token with its secret): never copied.
        Object.assign(
          token('prod', 'api', {
            activeBalance: true,
            balance: 0,
            balanceResetPeriod: 'daily',
            balanceResetAmount: 9,
          }),
          { secret: new Secret(VALUE) },
        ),
      ],
      [
        {
          name: 'legacy',
          tokenType: 'api_token',
          balance: 0,
          activeBalance: true,
          expireTime: new Date(clock.ms() - DAY),
          balanceResetPeriod: 'none',
          balanceResetAmount: null,
          secret: new Secret(VALUE),
          masked: 'sk-live…123',
        },
      ],
    );
    const rec = recorder();
    const alerts = new AlertSystem({ registry, notifiers: [rec.notifier], clock });
    const report = await alerts.run();
    expect(report.alerts.length).toBeGreaterThan(4);
    const everything = [
      JSON.stringify(report),
      inspect(report, { depth: 10 }),
      formatHealthReport(report),
      JSON.stringify(rec.all),
      JSON.stringify(await alerts.checkExpiringTokens()),
      JSON.stringify(await alerts.checkLowBalanceTokens()),
      inspect(alerts, { depth: 5 }),
    ].join('\n');
    expect(everything).not.toContain(VALUE);
  });
});
