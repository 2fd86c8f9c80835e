import { defineConfig } from 'tsup';

const entry = { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli/main.ts' };

export default defineConfig([
  // ESM: dependencies stay external so users dedupe them.
  { entry, format: ['esm'], dts: true, sourcemap: true, clean: true, target: 'node20', platform: 'node' },
  // CJS: ky, p-limit and croner are ESM-only; bundling them avoids the `ky.default.create` interop trap.
  {
    entry: { index: entry.index, testing: entry.testing },
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    noExternal: ['ky', 'p-limit', 'yocto-queue', 'croner'],
  },
]);
