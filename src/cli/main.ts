#!/usr/bin/env node
// The `edenai-tokens` command. Only light modules load here; each command and the SDK load on demand.
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
