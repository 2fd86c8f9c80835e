// Reports for the formatter tests, built through the real monitor from fixed records and a
// fixed clock, so golden files never depend on the wall clock.

import type { UsageRecord, UsageReport } from 'edenai-token-manager';
import { MemoryUsageSource, UsageMonitor } from 'edenai-token-manager';
import { rec } from './records.js';
import { managed, stubRegistry } from './stub-registry.js';

const clock = () => new Date('2024-02-01T08:00:00Z');
export const JANUARY = { from: '2024-01-01', to: '2024-01-31' };

const day = (n: number) => `2024-01-${String(n).padStart(2, '0')}`;

/** Spreads `cost` and `calls` of one token over `days` days, exactly (in cents and whole calls). */
function spread(
  token: string,
  cost: number,
  calls: number,
  days: number[],
  feature = 'text__chat',
): UsageRecord[] {
  const cents = Math.round(cost * 100);
  return days.map((d, i) => {
    const last = i === days.length - 1;
    const c = last
      ? cents - Math.floor(cents / days.length) * (days.length - 1)
      : Math.floor(cents / days.length);
    const k = last
      ? calls - Math.floor(calls / days.length) * (days.length - 1)
      : Math.floor(calls / days.length);
    return rec(token, day(d), c / 100, k, feature);
  });
}

/** The tutorial's example month: DEV $0.00 / 1,234 calls, STAGING $3.89 / 456, PROD $127.11 / 8,921. */
export async function tutorialReport(): Promise<UsageReport> {
  const registry = stubRegistry(
    ['dev', 'staging', 'prod'],
    ['dev-web-app', 'dev-mobile-app', 'dev-testing', 'staging-web-app', 'staging-mobile-app']
      .map((n) => managed(n))
      .concat(['prod-web-app', 'prod-mobile-app', 'prod-api-gateway'].map((n) => managed(n))),
  );
  const source = new MemoryUsageSource([
    ...spread('dev-web-app', 0, 600, [2, 3, 4]),
    ...spread('dev-mobile-app', 0, 400, [5, 6]),
    ...spread('dev-testing', 0, 234, [9]),
    ...spread('staging-web-app', 2.5, 300, [10, 11, 12]),
    ...spread('staging-mobile-app', 1.39, 156, [15]),
    ...spread('prod-web-app', 60.11, 4000, [1, 8, 15, 22, 29]),
    ...spread('prod-mobile-app', 30, 2921, [3, 10, 17, 24, 31]),
    ...spread('prod-api-gateway', 37, 2000, [7, 14, 21, 28], 'ocr__ocr'),
  ]);
  return new UsageMonitor({ registry, source, clock }).report(JANUARY);
}

/** Names that try to break each format: CSV formula and quotes, HTML/Markdown markup, line breaks. */
export const NASTY_NAMES = [
  '=HYPERLINK("http://x.test","y"),1',
  '<img src=x onerror=alert(1)> | *b* _i_\nline2',
];

/** Large amounts, rotated generations, a deleted token and unmanaged names. */
export async function fullReport(): Promise<UsageReport> {
  const registry = stubRegistry(
    ['dev', 'staging', 'prod'],
    [
      managed('dev-web-app'),
      managed('prod-web-app', {
        tokenName: 'prod-web-app--g2',
        generation: 2,
        generations: ['prod-web-app--g2'],
      }),
      managed('prod-api-gateway'),
    ],
  );
  const source = new MemoryUsageSource([
    ...spread('prod-web-app', 12.34, 1000, [1, 2, 3]),
    ...spread('prod-web-app--g2', 87.66, 9000, [4, 5, 6, 7]),
    rec('prod-api-gateway', day(10), 12345.678901, 1234567, 'text__generation', 'anthropic'),
    rec('prod-api-gateway', day(11), 0.000001, 1, 'text__generation', 'anthropic'),
    rec('staging-old-app', day(20), 3.5, 70),
    rec('base_token', day(21), 1.25, 5),
    ...NASTY_NAMES.map((n, i) => rec(n, day(22 + i), 0.5, 1)),
  ]);
  return new UsageMonitor({ registry, source, clock }).report(JANUARY);
}
