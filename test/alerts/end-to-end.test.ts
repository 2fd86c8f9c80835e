import type { WebhookPayload } from 'edenai-token-manager';
import {
  AlertSystem,
  formatHealthReport,
  MemorySecretStore,
  MemoryStateStore,
  TokenRegistry,
  UsageMonitor,
  verifyWebhook,
  WebhookNotifier,
} from 'edenai-token-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/backends.js';
import { startReceiver } from '../notifiers/receiver.js';
import { DAY, fakeClock, HOUR } from './helpers.js';

const SECRET = 'whsec_ZW5kLXRvLWVuZC1zZWNyZXQ=';
let closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

describe.each(BACKENDS)(
  'AlertSystem end to end on $api: real TokenRegistry over the fake Eden AI, signed webhook',
  ({ api, create, usagePath }) => {
    it('alerts once per condition through a verifying receiver, and never leaks a token value', async () => {
      const clock = fakeClock('2024-05-02T08:00:00Z');
      const { fake, backend, usageSource, close } = await create({ clock }, { maxRetries: 0 });
      closers.push(close);
      const registry = new TokenRegistry({
        backend,
        secrets: new MemorySecretStore(),
        environments: {
          dev: { tokenType: 'sandbox_api_token' },
          prod: {
            budget: { default: 100, max: 2000, resetPeriod: 'monthly' },
            expiry: { required: true, defaultDays: 90 },
          },
        },
        clock,
      });
      await registry.create({ environment: 'prod', app: 'web-app', expiresInDays: 10 });
      await registry.create({ environment: 'prod', app: 'api' });
      await registry.create({ environment: 'dev', app: 'web-app' });
      // Spent yesterday, so the forecast (last 7 complete days) sees it through this API's usage source.
      expect(fake.simulateUsage({ token: 'prod-api', cost: 85, date: '2024-05-01' })).toEqual({ ok: true });

      const payloads: WebhookPayload[] = [];
      const receiver = await startReceiver((req) => {
        try {
          payloads.push(verifyWebhook(req.body, req.headers, SECRET, { now: clock() }));
          return { status: 204 };
        } catch {
          return { status: 401 };
        }
      });
      closers.push(receiver.close);
      const alerts = new AlertSystem({
        registry,
        usage: new UsageMonitor({ registry, source: usageSource, clock }),
        notifiers: [new WebhookNotifier({ url: `${receiver.url}/hook`, secret: SECRET, clock })],
        state: new MemoryStateStore(),
        clock,
      });

      const report = await alerts.run();
      expect(report.failures).toEqual([]);
      // Both budgeted tokens are forecast from a single cost query, not one each.
      expect(fake.requests.filter((r) => usagePath.test(r.path))).toHaveLength(1);
      expect(payloads).toHaveLength(1);
      expect(payloads[0]!.data.alerts.map((a) => a.id).sort()).toEqual([
        'budget-threshold:prod-api:75pct:2024-05',
        'exhaustion-forecast:prod-api:2024-05', // $15 left at ~$12/day, from the usage source
        'expiring:prod-web-app:g1:14d',
        'low-balance:prod-api:2024-05',
      ]);
      for (let i = 0; i < 24; i++) {
        clock.advance(HOUR);
        await alerts.run();
      }
      expect(payloads).toHaveLength(1);
      clock.advance(3 * DAY); // 7 days left
      await alerts.run();
      expect(payloads.map((p) => p.data.alerts.map((a) => a.id))).toEqual([
        expect.any(Array),
        ['expiring:prod-web-app:g1:7d'],
      ]);

      const text = formatHealthReport(await alerts.run());
      expect(text).toContain('🟡 prod-api\n   Balance: $15.00 of $100.00');
      expect(text).toContain('  ✓ dev-web-app');
      const values = fake.tokens().map((t) => fake.tokenValue(t.name)!);
      expect(values).toHaveLength(3);
      const shown = [
        text,
        JSON.stringify(report),
        JSON.stringify(payloads),
        ...receiver.requests.map((r) => r.body),
      ];
      for (const v of values) for (const s of shown) expect(s).not.toContain(v);
      // Everything, usage included, went through this API.
      expect(fake.requests.some((r) => usagePath.test(r.path))).toBe(true);
      expect(fake.requests.every((r) => r.path.startsWith(`/${api}/`))).toBe(true);
    });
  },
);
