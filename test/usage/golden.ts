// Golden files: `UPDATE_GOLDEN=1 npx vitest run test/usage` rewrites them; otherwise compare.
// Stored as `<name>.golden` so formatters and linters (biome formats .md, .html) leave them alone.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');

export function expectGolden(file: string, actual: string): void {
  const path = join(DIR, `${file}.golden`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path))
    throw new Error(`Golden file ${file} is missing: run with UPDATE_GOLDEN=1 to create it`);
  expect(actual, `differs from golden/${file} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(path, 'utf8'),
  );
}
