import { defineConfig } from 'tsup';

// Heavy adapters live on their own subpaths so their optional peer dependencies load only when used.
const library = {
  index: 'src/index.ts',
  'index-node': 'src/index-node.ts',
  node: 'src/node.ts',
  testing: 'src/testing/index.ts',
  aws: 'src/stores/aws/index.ts',
  vault: 'src/stores/vault/index.ts',
  redis: 'src/stores/redis/index.ts',
  azure: 'src/stores/azure/index.ts',
  gcp: 'src/stores/gcp/index.ts',
  kubernetes: 'src/stores/kubernetes/index.ts',
};
const entry = { ...library, cli: 'src/cli/main.ts' };

export default defineConfig([
  // ESM: dependencies stay external so users dedupe them.
  { entry, format: ['esm'], dts: true, sourcemap: true, clean: true, target: 'node20', platform: 'node' },
  // CJS: p-limit and croner are ESM-only; bundling them avoids the `default` interop trap.
  {
    entry: library,
    format: ['cjs'],
    // Shared chunks, so index.cjs and testing.cjs use one Secret class and one error hierarchy.
    splitting: true,
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    noExternal: ['p-limit', 'yocto-queue', 'croner'],
  },
]);
