import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import {
  ConfigurationError,
  InvalidInputError,
  NotifierDeliveryError,
  verifyWebhook,
  WebhookNotifier,
  WebhookVerificationError,
} from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { alert, recordingSleep } from './fixtures.js';
import { useReceivers } from './receiver.js';

const NOW = new Date('2024-03-01T09:00:00Z');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const clock = () => NOW;

const receiver = useReceivers();

/** A receiver that verifies like a real endpoint would. */
async function verifyingReceiver(secret: string | string[]) {
  const verdicts: string[] = [];
  const r = await receiver((req) => {
    try {
      verifyWebhook(req.body, req.headers, secret, { now: NOW });
      verdicts.push('ok');
      return { status: 204 };
    } catch (e) {
      verdicts.push((e as WebhookVerificationError).reason);
      return { status: 401 };
    }
  });
  return { ...r, verdicts };
}

/** One signed request, captured off the wire. */
async function capture(secrets: string | string[] = SECRET) {
  const r = await receiver();
  await new WebhookNotifier({
    url: `${r.url}/hook`,
    ...(Array.isArray(secrets) ? { secrets } : { secret: secrets }),
    clock,
  }).notify([alert()]);
  return r.requests[0]!;
}

describe('WebhookNotifier + verifyWebhook', () => {
  it('posts signed JSON that a verifying receiver accepts', async () => {
    const r = await verifyingReceiver(SECRET);
    await new WebhookNotifier({ url: `${r.url}/hooks/edenai`, secret: SECRET, clock }).notify([
      alert(),
      alert({ id: 'expired:prod-api:g1', kind: 'expired', severity: 'critical', token: 'prod-api' }),
    ]);
    expect(r.verdicts).toEqual(['ok']);
    const req = r.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/edenai');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(req.headers['webhook-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const payload = verifyWebhook(req.body, req.headers, SECRET, { now: NOW });
    expect(payload.type).toBe('edenai.token.alerts');
    expect(payload.data.alerts.map((a) => [a.id, a.severity, a.at])).toEqual([
      ['expiring:prod-web-app:g1:7d', 'warning', '2024-03-01T09:00:00.000Z'],
      ['expired:prod-api:g1', 'critical', '2024-03-01T09:00:00.000Z'],
    ]);
  });

  it('signs per the Standard Webhooks spec (whsec_ key is base64-decoded)', () => {
    // Test vector from the Standard Webhooks reference libraries.
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    const timestamp = '1614265330';
    const body = '{"test": 2432232314}';
    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp };
    const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    const now = new Date(1614265330_000);
    expect(verifyWebhook(body, { ...headers, 'webhook-signature': signature }, SECRET, { now })).toEqual({
      test: 2432232314,
    });
    // Without the whsec_ prefix the secret is the same base64, so the same key.
    const bare = SECRET.slice('whsec_'.length);
    expect(verifyWebhook(body, { ...headers, 'webhook-signature': signature }, bare, { now })).toEqual({
      test: 2432232314,
    });
    const key = Buffer.from(bare, 'base64');
    const byHand = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    expect(`v1,${byHand}`).toBe(signature);
  });

  it('refuses a secret that is not base64 and says how to make one', () => {
    for (const bad of ['plain-secret', 'whsec_plain-secret', 'abc', 'whsec_']) {
      const error = (() => {
        try {
          new WebhookNotifier({ url: 'https://example.com', secret: bad });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error?.message).toContain("'whsec_'+require('crypto').randomBytes(24).toString('base64')");
      expect(error?.message).not.toContain('plain-secret');
      expect(() => verifyWebhook('{}', {}, bad)).toThrow(ConfigurationError);
    }
  });

  it('rejects a tampered body, a wrong secret, replays, future timestamps and missing headers', async () => {
    const req = await capture();
    const ts = Number(req.headers['webhook-timestamp']);
    const reason = (fn: () => unknown) => {
      try {
        fn();
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(WebhookVerificationError);
        return (e as WebhookVerificationError).reason;
      }
    };
    const at = (seconds: number) => ({ now: new Date(seconds * 1000) });
    expect(reason(() => verifyWebhook(req.body, req.headers, SECRET, at(ts)))).toBe('accepted');
    expect(
      reason(() => verifyWebhook(req.body.replace('7 days', '70 days'), req.headers, SECRET, at(ts))),
    ).toBe('invalid_signature');
    expect(reason(() => verifyWebhook(req.body, req.headers, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAA', at(ts)))).toBe(
      'invalid_signature',
    );
    expect(reason(() => verifyWebhook(req.body, req.headers, SECRET, at(ts + 300)))).toBe('accepted');
    expect(reason(() => verifyWebhook(req.body, req.headers, SECRET, at(ts + 301)))).toBe(
      'timestamp_too_old',
    );
    expect(reason(() => verifyWebhook(req.body, req.headers, SECRET, at(ts - 301)))).toBe(
      'timestamp_too_new',
    );
    expect(
      reason(() =>
        verifyWebhook(req.body, req.headers, SECRET, { ...at(ts + 3600), toleranceMs: 7_200_000 }),
      ),
    ).toBe('accepted');
    // Changing the timestamp header breaks the signature (it is signed).
    const moved = { ...req.headers, 'webhook-timestamp': String(ts + 10) };
    expect(reason(() => verifyWebhook(req.body, moved, SECRET, at(ts)))).toBe('invalid_signature');
    for (const h of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [h]: _, ...rest } = req.headers;
      expect(reason(() => verifyWebhook(req.body, rest, SECRET, at(ts)))).toBe('missing_header');
    }
    const bad = { ...req.headers, 'webhook-timestamp': 'yesterday' };
    expect(reason(() => verifyWebhook(req.body, bad, SECRET, at(ts)))).toBe('invalid_timestamp');
    // A Headers object and a byte body work too; header names are case-insensitive.
    const fetchHeaders = new Headers(req.headers as Record<string, string>);
    expect(reason(() => verifyWebhook(Buffer.from(req.body), fetchHeaders, SECRET, at(ts)))).toBe('accepted');
    const upper = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(reason(() => verifyWebhook(req.body, upper, SECRET, at(ts)))).toBe('accepted');
  });

  it('signs with every secret during a rotation; a receiver with either secret accepts', async () => {
    const OLD = Buffer.from('old-secret-0123456789').toString('base64'); // no whsec_ prefix
    const NEW = 'whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5';
    const UNRELATED = 'whsec_dW5yZWxhdGVkLXNlY3JldA==';
    const req = await capture([OLD, NEW]);
    const sigs = String(req.headers['webhook-signature']).split(' ');
    expect(sigs).toHaveLength(2);
    expect(sigs.every((s) => s.startsWith('v1,'))).toBe(true);
    const opts = { now: NOW };
    expect(verifyWebhook(req.body, req.headers, OLD, opts)).toMatchObject({ type: 'edenai.token.alerts' });
    expect(verifyWebhook(req.body, req.headers, NEW, opts)).toMatchObject({ type: 'edenai.token.alerts' });
    expect(verifyWebhook(req.body, req.headers, [UNRELATED, NEW], opts)).toMatchObject({
      type: 'edenai.token.alerts',
    });
    expect(() => verifyWebhook(req.body, req.headers, UNRELATED, opts)).toThrow(WebhookVerificationError);
  });

  it('answers a parsed body or missing headers with a WebhookVerificationError, not a TypeError', async () => {
    const req = await capture();
    const opts = { now: NOW };
    const reasonOf = (fn: () => unknown) => {
      try {
        fn();
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(WebhookVerificationError);
        return (e as WebhookVerificationError).reason;
      }
    };
    // What a JSON body parser (express.json()) hands over: the raw bytes are gone.
    const parsed = JSON.parse(req.body) as unknown as string;
    expect(reasonOf(() => verifyWebhook(parsed, req.headers, SECRET, opts))).toBe('invalid_body');
    const error = (() => {
      try {
        verifyWebhook(parsed, req.headers, SECRET, opts);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/raw body/);
    for (const body of [null, undefined, 42]) {
      expect(reasonOf(() => verifyWebhook(body as unknown as string, req.headers, SECRET, opts))).toBe(
        'invalid_body',
      );
    }
    for (const headers of [null, undefined, 'webhook-id: x']) {
      expect(reasonOf(() => verifyWebhook(req.body, headers as never, SECRET, opts))).toBe('missing_header');
    }
    // The receiver's own options are configuration: a typo must not disable the replay window.
    expect(() => verifyWebhook(req.body, req.headers, SECRET, { toleranceMs: Number.NaN })).toThrow(
      ConfigurationError,
    );
    expect(() => verifyWebhook(req.body, req.headers, SECRET, { now: 'today' as never })).toThrow(
      ConfigurationError,
    );
    expect(() => verifyWebhook(req.body, req.headers, SECRET, null as never)).toThrow(ConfigurationError);
  });

  it('retries 5xx with backoff, keeping the same webhook-id, then succeeds', async () => {
    const r = await receiver((_, i) => ({ status: i < 2 ? 503 : 204 }));
    const { delays, sleep } = recordingSleep();
    await new WebhookNotifier({ url: r.url, secret: SECRET, sleep, retryDelay: 100, clock }).notify([
      alert(),
    ]);
    expect(r.requests).toHaveLength(3);
    expect(new Set(r.requests.map((q) => q.headers['webhook-id'])).size).toBe(1);
    expect(delays).toEqual([100, 200]);
    for (const q of r.requests) expect(verifyWebhook(q.body, q.headers, SECRET, { now: NOW })).toBeTruthy();
  });

  it('honours Retry-After on 429 (seconds and HTTP date)', async () => {
    const date = new Date(Date.now() + 5000).toUTCString();
    const r = await receiver((_, i) =>
      i === 0
        ? { status: 429, headers: { 'retry-after': '2' } }
        : i === 1
          ? { status: 429, headers: { 'retry-after': date } }
          : { status: 200 },
    );
    const { delays, sleep } = recordingSleep();
    await new WebhookNotifier({ url: r.url, secret: SECRET, sleep, clock }).notify([alert()]);
    expect(r.requests).toHaveLength(3);
    expect(delays[0]).toBe(2000);
    expect(delays[1]).toBeGreaterThan(3000);
    expect(delays[1]).toBeLessThanOrEqual(5000);
  });

  it('does not retry a 400, and gives up on a Retry-After beyond the cap', async () => {
    const r = await receiver(() => ({ status: 400 }));
    const { delays, sleep } = recordingSleep();
    const url = `${r.url}/hooks/secret-path-abc?token=query-secret-xyz`;
    const n = new WebhookNotifier({ url, secret: SECRET, sleep, clock });
    const error = await n.notify([alert()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifierDeliveryError);
    expect(error).toMatchObject({ status: 400, attempts: 1, notifier: 'webhook' });
    expect((error as Error).message).toBe(
      `webhook: delivery to ${r.url} failed after 1 attempt(s): 400 Bad Request`,
    );
    expect(r.requests).toHaveLength(1);
    expect(delays).toEqual([]);

    const slow = await receiver(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const e2 = await new WebhookNotifier({ url: slow.url, secret: SECRET, sleep, clock })
      .notify([alert()])
      .catch((e: unknown) => e as Error);
    expect(e2).toMatchObject({ status: 429, attempts: 1 });
    expect((e2 as Error).message).toContain('retry asked in 3600 s');
    expect(delays).toEqual([]);
  });

  it('retries connection errors, then fails without leaking the URL path or the secret', async () => {
    const r = await receiver();
    await r.close();
    const { delays, sleep } = recordingSleep();
    const n = new WebhookNotifier({
      url: `${r.url}/hooks/secret-path-abc?token=query-secret-xyz`,
      secret: SECRET,
      sleep,
      retryDelay: (attempt) => attempt * 10,
      maxRetries: 2,
      clock,
    });
    const error = (await n.notify([alert()]).catch((e: unknown) => e)) as NotifierDeliveryError;
    expect(error).toBeInstanceOf(NotifierDeliveryError);
    expect(error.attempts).toBe(3);
    expect(delays).toEqual([10, 20]);
    const shown = [
      error.message,
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
      inspect(n),
      JSON.stringify(n),
    ];
    for (const text of shown) {
      expect(text).not.toContain('secret-path-abc');
      expect(text).not.toContain('query-secret-xyz');
      expect(text).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    }
  });

  it('rejects bad configuration without echoing the secret', () => {
    expect(() => new WebhookNotifier({ url: 'ftp://x', secret: SECRET })).toThrow(ConfigurationError);
    expect(() => new WebhookNotifier({ url: 'not a url', secret: SECRET })).toThrow(/absolute http\(s\) URL/);
    expect(() => new WebhookNotifier({ url: 'https://example.com' })).toThrow(/signing `secret`/);
    const bad = 'whsec_not*base64!secretish';
    const e = (() => {
      try {
        new WebhookNotifier({ url: 'https://example.com', secret: bad });
      } catch (error) {
        return error as Error;
      }
    })();
    expect(e).toBeInstanceOf(ConfigurationError);
    expect(e!.message).toMatch(/not valid base64/);
    expect(e!.message).not.toContain('secretish');
    expect(() => verifyWebhook('{}', {}, [], {})).toThrow(ConfigurationError);
    expect(() => new WebhookNotifier({ url: 'https://example.com', secret: SECRET, maxRetries: -1 })).toThrow(
      /maxRetries/,
    );
    expect(() => new WebhookNotifier({ url: 'https://example.com', secret: SECRET, timeoutMs: 0 })).toThrow(
      /timeoutMs/,
    );
    // Collaborators are checked at construction, not when the first alert is sent.
    expect(
      () => new WebhookNotifier({ url: 'https://example.com', secret: SECRET, clock: 'now' as never }),
    ).toThrow(/clock/);
    expect(() => new WebhookNotifier({ url: 'https://example.com', secret: SECRET, name: '' })).toThrow(
      /name/,
    );
  });

  it('notify() with something else than an array of alerts is an InvalidInputError', async () => {
    const n = new WebhookNotifier({ url: 'https://example.com', secret: SECRET });
    await expect(n.notify('alerts' as never)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
