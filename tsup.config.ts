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
  // ESM: dependencies stay external so users dedupe them. No source maps: they would point to src/,
  // which is not shipped. `node:` prefixes are kept (edge bundlers need them to tell built-ins apart).
  {
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    removeNodeProtocol: false,
  },
  // CJS: ky, p-limit, croner and @noble/hashes are ESM-only; bundling them avoids the `default`
  // interop trap. keepNames: class names (`NotFoundError`) survive the CJS lowering of static fields.
  {
    entry: library,
    format: ['cjs'],
    // Shared chunks, so index.cjs and testing.cjs use one Secret class and one error hierarchy.
    splitting: true,
    dts: true,
    target: 'node20',
    platform: 'node',
    removeNodeProtocol: false,
    keepNames: true,
    noExternal: ['ky', 'p-limit', 'yocto-queue', 'croner', '@noble/hashes'],
  },
]);
