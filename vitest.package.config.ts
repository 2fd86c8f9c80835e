import { defineConfig } from 'vitest/config';

// Runs after `npm run build`: packs the tarball and installs it in a temp dir.
export default defineConfig({ test: { include: ['test/package/**/*.test.ts'], testTimeout: 180_000 } });
