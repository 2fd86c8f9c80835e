import type { Alert } from 'edenai-token-manager';
import { CallbackNotifier, ConsoleNotifier } from 'edenai-token-manager';
import { describe, expect, it } from 'vitest';
import { alert } from './fixtures.js';

describe('ConsoleNotifier', () => {
  it('writes one line per alert, to error / warn / info by severity', async () => {
    const lines: string[] = [];
    const logger = {
      error: (m: string) => lines.push(`E ${m}`),
      warn: (m: string) => lines.push(`W ${m}`),
      info: (m: string) => lines.push(`I ${m}`),
    };
    await new ConsoleNotifier({ logger }).notify([
      alert({ severity: 'critical', message: 'boom' }),
      alert(),
      alert({ severity: 'info', message: 'fyi' }),
    ]);
    expect(lines).toEqual([
      'E 🔴 [critical] prod/prod-web-app: boom',
      'W 🟡 [warning] prod/prod-web-app: prod-web-app expires in 7 days (2024-03-08)',
      'I 🔵 [info] prod/prod-web-app: fyi',
    ]);
    const custom: string[] = [];
    await new ConsoleNotifier({
      logger: { ...logger, warn: (m) => custom.push(m) },
      format: (a) => a.id,
    }).notify([alert()]);
    expect(custom).toEqual(['expiring:prod-web-app:g1:7d']);
  });
});

describe('CallbackNotifier', () => {
  it('hands the batch to the function; a rejection propagates as a failed delivery', async () => {
    const got: Alert[][] = [];
    const n = new CallbackNotifier(async (alerts) => {
      got.push(alerts);
    });
    expect(n.name).toBe('callback');
    await n.notify([alert()]);
    expect(got).toEqual([[alert()]]);
    await expect(new CallbackNotifier(() => Promise.reject(new Error('nope'))).notify([])).rejects.toThrow(
      'nope',
    );
    expect(() => new CallbackNotifier('x' as never)).toThrow(/needs a function/);
    expect(new CallbackNotifier(() => {}, { name: 'pager' }).name).toBe('pager');
  });
});
