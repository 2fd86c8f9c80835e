// `edenai-tokens demo`: the command, and the runtime the story runs on (a fake Eden AI and stores
// on one injected clock, so every run prints the same dates and numbers).
import { existsSync } from 'node:fs';
import {
  FileSecretStore,
  FileStateStore,
  MemorySecretStore,
  MemoryStateStore,
  type SecretStore,
  type StateStore,
} from '../../index-node.js';
import { createFakeEdenAI } from '../../testing/index.js';
import { resolveConfig, tutorialEnvironments } from '../config.js';
import { CliError, ExitCode } from '../errors.js';
import {
  FAKE_PASSPHRASE,
  fakeFileOf,
  fakeFiles,
  openApiClients,
  openRegistry,
  withClose,
} from '../runtime.js';
import type { CommandContext } from '../spec.js';
import type { ApiVersion } from '../values.js';
import { DEMO_SPAN_MS, type DemoRuntime, tellStory } from './story.js';

/** The story's fixed start, so a plain `demo` prints the same dates and numbers every time. */
const FIXED_START = new Date('2024-01-01T09:00:00Z');

/**
 * An in-process fake (no socket) and in-memory stores on one injected clock; with `keepAt`,
 * the `--fake` files instead, so the final state can be explored with `edenai-tokens --fake …`.
 * `api` picks the fake's v2 endpoints or its v3 Management API: same story, other backend.
 */
async function openDemoRuntime(
  start: Date,
  cwd: string,
  api: ApiVersion,
  keepAt?: string,
): Promise<DemoRuntime> {
  let now = start.getTime();
  const clock = () => new Date(now);
  const files = keepAt ? fakeFiles(keepAt) : undefined;
  const fake = await createFakeEdenAI({
    listen: false,
    clock,
    ...(files ? { stateFile: files.server } : {}),
  });
  const secrets: SecretStore = files
    ? new FileSecretStore({ path: files.secrets, key: FAKE_PASSPHRASE })
    : new MemorySecretStore();
  const state: StateStore = files ? new FileStateStore({ path: files.state }) : new MemoryStateStore();
  const config = resolveConfig(
    { environments: tutorialEnvironments, rotation: { gracePeriod: '24h' } },
    undefined,
    cwd,
  );
  const { backend, usageSource } = openApiClients(api, {
    v2: () => fake.clientOptions,
    v3: () => fake.managementClientOptions,
  });
  const registry = openRegistry(config, { backend, secrets, clock });
  return {
    ...withClose({ config, api, registry, backend, usageSource, secrets, state, clock, fake }),
    fake,
    setNow(at) {
      now = at.getTime();
    },
  };
}

/** `edenai-tokens [--api v2|v3] demo [--keep]`: the config file plays no part, so only --api / env pick the API. */
export async function demo(ctx: CommandContext): Promise<number> {
  let keepAt: string | undefined;
  let start = FIXED_START;
  if (ctx.options['keep']) {
    keepAt = fakeFileOf(ctx);
    const taken = Object.values(fakeFiles(keepAt)).filter((f) => existsSync(f));
    if (taken.length > 0) {
      throw new CliError(
        `--keep would overwrite ${taken.join(', ')}: remove it, or pass --fake-file <path>`,
        ExitCode.usage,
        'usage',
      );
    }
    // End the story now, so the kept tokens make sense to later `--fake` commands on the real clock.
    start = new Date(Math.floor((Date.now() - DEMO_SPAN_MS) / 60_000) * 60_000);
  }
  const rt = await openDemoRuntime(start, ctx.cwd, ctx.global.api ?? 'v2', keepAt);
  try {
    const summary = await tellStory(ctx.out, rt, start);
    ctx.out.data(summary);
    if (keepAt) {
      ctx.out.line();
      const api = rt.api === 'v2' ? '' : ` --api ${rt.api}`;
      ctx.out.line(`Kept the final state in ${keepAt}: try \`edenai-tokens --fake${api} list\`.`);
    }
    return summary.leakCheck.found === 0 ? ExitCode.ok : ExitCode.unexpected;
  } finally {
    await rt.close();
  }
}
