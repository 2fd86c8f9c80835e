import { inspect } from 'node:util';
import { NotifierDeliveryError } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { type SlackMessage, SlackNotifier, slackMessage } from '../../src/notifiers/slack.js';
import { alert, recordingSleep } from './fixtures.js';
import { useReceivers } from './receiver.js';

const receiver = useReceivers();

const PATH = '/services/T000/B000/XXXXsecretXXXX';

describe('SlackNotifier', () => {
  it('posts an incoming-webhook message with a header, one section per alert (worst first) and a text fallback', async () => {
    const r = await receiver(() => ({ status: 200, body: 'ok' }));
    await new SlackNotifier({ webhookUrl: r.url + PATH }).notify([
      alert({
        severity: 'info',
        kind: 'unmanaged-token',
        token: 'legacy',
        environment: 'unmanaged',
        message: 'legacy <x> & co',
      }),
      alert(),
      alert({ severity: 'critical', kind: 'expired', token: 'prod-api', message: 'prod-api expired today' }),
    ]);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]!.path).toBe(PATH);
    const msg = JSON.parse(r.requests[0]!.body) as SlackMessage;
    expect(msg.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: '🔴 Eden AI token alerts: 1 critical, 1 warning, 1 info',
        emoji: true,
      },
    });
    expect(msg.blocks.slice(1)).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '🔴 *prod-api* · `prod` · critical\nprod-api expired today' },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '🟡 *prod-web-app* · `prod` · warning\nprod-web-app expires in 7 days (2024-03-08)',
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '🔵 *legacy* · `unmanaged` · info\nlegacy &lt;x&gt; &amp; co' },
      },
    ]);
    expect(msg.text.split('\n')).toEqual([
      '🔴 Eden AI token alerts: 1 critical, 1 warning, 1 info',
      '🔴 prod-api expired today',
      '🟡 prod-web-app expires in 7 days (2024-03-08)',
      '🔵 legacy <x> & co',
    ]);
  });

  it("stays under Slack's 50-block limit", () => {
    const many = Array.from({ length: 60 }, (_, i) => alert({ id: `a${i}`, token: `t${i}` }));
    const msg = slackMessage(many);
    expect(msg.blocks).toHaveLength(47);
    expect(msg.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '…and 15 more' }],
    });
  });

  it('shares the webhook retry logic, and never shows the webhook URL (a secret)', async () => {
    const r = await receiver((_, i) => (i === 0 ? { status: 500 } : { status: 200 }));
    const { delays, sleep } = recordingSleep();
    const ok = new SlackNotifier({ webhookUrl: r.url + PATH, sleep, retryDelay: 50 });
    await ok.notify([alert()]);
    expect(r.requests).toHaveLength(2);
    expect(delays).toEqual([50]);

    const gone = await receiver(() => ({ status: 404, body: 'no_service' }));
    const n = new SlackNotifier({ webhookUrl: gone.url + PATH, sleep });
    const error = (await n.notify([alert()]).catch((e: unknown) => e)) as NotifierDeliveryError;
    expect(error).toBeInstanceOf(NotifierDeliveryError);
    expect(error).toMatchObject({ status: 404, attempts: 1, notifier: 'slack' });
    for (const text of [error.message, inspect(error), JSON.stringify(n), inspect(n)]) {
      expect(text).not.toContain('XXXXsecretXXXX');
    }
    expect(() => new SlackNotifier({ webhookUrl: 'hooks.slack.com/x' })).toThrow(/absolute http\(s\) URL/);
  });
});
