import { defineConfig } from 'vitest/config';

// Runs after `npm run build`: packs the tarball, installs it in a temp dir, and runs it on workerd,
// edge-runtime, Bun and Deno (devDependencies carry their binaries; nothing is downloaded).
export default defineConfig({ test: { include: ['test/runtimes/**/*.test.ts'], testTimeout: 180_000 } });
