import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fakeFiles } from '../context.js';
import { defaultPaths } from '../defaults.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../spec.js';
import { openDemoRuntime } from './runtime.js';
import { DEMO_SPAN_MS, tellStory } from './story.js';

/** The story's fixed start, so a plain `demo` prints the same dates and numbers every time. */
const FIXED_START = new Date('2024-01-01T09:00:00Z');

/** `edenai-tokens [--api v2|v3] demo [--keep]`: the config file plays no part, so only --api / env pick the API. */
export async function run(ctx: CommandContext): Promise<number> {
  let keepAt: string | undefined;
  let start = FIXED_START;
  if (ctx.options['keep']) {
    keepAt = resolve(ctx.cwd, ctx.global.fakeFile ?? ctx.env['EDENAI_FAKE_FILE'] ?? defaultPaths.fake);
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
