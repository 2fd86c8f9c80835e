import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the package by its public names, resolved to the sources (as tsconfig's `paths` do).
const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^edenai-token-manager$/, replacement: src('index-node.ts') },
      { find: /^edenai-token-manager\/node$/, replacement: src('node.ts') },
      { find: /^edenai-token-manager\/testing$/, replacement: src('testing/index.ts') },
      { find: /^edenai-token-manager\/(aws|vault)$/, replacement: src('stores/$1/index.ts') },
      { find: /^edenai-token-manager\/redis$/, replacement: src('stores/redis/index.ts') },
      { find: /^edenai-token-manager\/(azure|gcp|kubernetes)$/, replacement: src('stores/$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/package/**', 'test/runtimes/**'],
    testTimeout: 20_000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
  },
});
