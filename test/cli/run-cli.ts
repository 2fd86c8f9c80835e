// Spawns the real command, as users run it: the built dist/cli.js when it is newer than every
// source file, else src/cli/main.ts through tsx. Each run gets its own temp cwd and environment.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist/cli.js');
const tsx = join(root, 'node_modules/tsx/dist/loader.mjs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `node dist/cli.js` if the build is fresh, else `node --import tsx src/cli/main.ts`. */
export const cliCommand: string[] =
  existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(join(root, 'src'))
    ? [dist]
    : ['--import', `file://${tsx}`, join(root, 'src/cli/main.ts')];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a clean shell: no API key, no colour settings, no terminal. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], ...extra };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...cliCommand, ...args],
      { cwd: options.cwd, env: cleanEnv(options.env), timeout: 30_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Every token value the fake's state file holds right now (read it after each step: deletes forget values). */
export function fakeTokenValues(cwd: string, file = '.edenai-fake.json'): string[] {
  const path = join(cwd, file);
  if (!existsSync(path)) return [];
  const state = JSON.parse(readFileSync(path, 'utf8')) as { tokens: { value: string }[] };
  return state.tokens.map((t) => t.value);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting ANSI escapes is the point.
export const ANSI = /\x1b\[/;

/** Every value the fake issues starts with this (live or revoked): none may ever be printed. */
export const FAKE_VALUE = /sk-eden-fake-[0-9a-f]/;
