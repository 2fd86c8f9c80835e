#!/usr/bin/env node
// The `edenai-tokens` command. Only light modules load here; each command and the SDK load on demand.
import { run } from './run.js';

// `edenai-tokens list | head`: the reader left; stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Touched only by a command that asks a question: opening stdin for nothing could hold the process.
  stdin: {
    get isTTY() {
      return process.stdin.isTTY;
    },
    [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator](),
  },
  env: process.env,
  cwd: process.cwd(),
});
