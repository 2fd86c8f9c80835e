import { readFileSync } from 'node:fs';

/**
 * Reads the package version from package.json without loading the SDK. The file sits one level
 * up from the bundle (`dist/cli.js`) and two from the source (`src/cli/version.ts`).
 */
export function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'edenai-token-manager' && pkg.version) return pkg.version;
    } catch {
      // Not at this level: try the next.
    }
  }
  return '0.0.0-unknown';
}
