import { ConfigurationError } from '../core/errors.js';
import { ConsoleNotifier, SlackNotifier, WebhookNotifier } from '../index-node.js';
import type { Notifier } from '../ports/notifier.js';
import type { NotifierConfig } from './config.js';
import type { Output } from './output.js';

function fromEnv(env: Record<string, string | undefined>, name: string, what: string): string {
  const value = env[name];
  if (!value)
    throw new ConfigurationError(`Set ${name}: it holds the ${what} named in the config's notifiers`);
  return value;
}

/**
 * The config's `notifiers`, built. Secrets (webhook signing secrets, Slack URLs) come from the
 * environment variables the config names. Console alerts go to stderr so `--json` stays parseable.
 */
export function buildNotifiers(
  configs: readonly NotifierConfig[],
  env: Record<string, string | undefined>,
  out: Output,
): Notifier[] {
  return configs.map((c): Notifier => {
    switch (c.type) {
      case 'console':
        return new ConsoleNotifier({
          logger: { info: (l) => out.note(l), warn: (l) => out.note(l), error: (l) => out.note(l) },
        });
      case 'webhook':
        return new WebhookNotifier({
          url: c.url,
          secret: fromEnv(env, c.secretEnv, 'webhook signing secret'),
        });
      default:
        return new SlackNotifier({ webhookUrl: fromEnv(env, c.webhookUrlEnv, 'Slack webhook URL') });
    }
  });
}
