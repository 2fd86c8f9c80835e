// Interop with the reference implementation of Standard Webhooks (the `standardwebhooks` package,
// written by the spec's authors): our deliveries must verify there, and its signatures here, for
// every secret form both accept.
import { randomBytes } from 'node:crypto';
import { ConfigurationError, verifyWebhook, WebhookNotifier } from 'edenai-token-manager';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alert } from './fixtures.js';
import { useReceivers } from './receiver.js';

const NOW = new Date('2024-03-01T09:00:00Z');
const clock = () => NOW;
const receiver = useReceivers();

const KEY = randomBytes(24).toString('base64');
/** The same key in the two forms the reference accepts: with and without the `whsec_` prefix. */
const FORMS = [
  ['whsec_ + base64', `whsec_${KEY}`],
  ['bare base64', KEY],
] as const;

// The reference reads the system clock: pin it to the notifier's.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WebhookNotifier / verifyWebhook against the standardwebhooks reference', () => {
  it.each(FORMS)('a delivery signed with a %s secret verifies with the reference', async (_, secret) => {
    const r = await receiver();
    await new WebhookNotifier({ url: r.url, secret, clock }).notify([alert()]);
    const req = r.requests[0]!;
    for (const [, form] of FORMS) {
      const payload = new Webhook(form).verify(req.body, req.headers as Record<string, string>);
      expect(payload).toMatchObject({ type: 'edenai.token.alerts' });
    }
    // And a receiver holding another key rejects it.
    const other = new Webhook(randomBytes(24).toString('base64'));
    expect(() => other.verify(req.body, req.headers as Record<string, string>)).toThrow();
  });

  it('a delivery signed with several secrets (rotation) verifies with each of them', async () => {
    const next = `whsec_${randomBytes(32).toString('base64')}`;
    const r = await receiver();
    await new WebhookNotifier({ url: r.url, secrets: [`whsec_${KEY}`, next], clock }).notify([alert()]);
    const req = r.requests[0]!;
    for (const secret of [KEY, next]) {
      expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toBeTruthy();
    }
  });

  it.each(FORMS)('a payload signed by the reference with a %s secret is accepted', (_, secret) => {
    const body = JSON.stringify({
      type: 'edenai.token.alerts',
      timestamp: NOW.toISOString(),
      data: { alerts: [] },
    });
    const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(NOW.getTime() / 1000),
      'webhook-signature': new Webhook(secret).sign(id, NOW, body),
    };
    for (const [, form] of FORMS) {
      expect(verifyWebhook(body, headers, form, { now: NOW })).toMatchObject({ type: 'edenai.token.alerts' });
    }
  });

  it('refuses what the reference cannot decode either', () => {
    for (const secret of ['plain-secret', 'whsec_not base64!']) {
      expect(() => new Webhook(secret)).toThrow();
      expect(() => new WebhookNotifier({ url: 'https://example.com', secret })).toThrow(ConfigurationError);
    }
  });
});
