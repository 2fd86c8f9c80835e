import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { secretStoreConformance } from 'edenai-token-manager/testing';
import { describe, expect, it } from 'vitest';
import { JsonFileSecretStore } from '../../examples/custom-secret-store.js';

const dirs = new WeakMap<JsonFileSecretStore, string>();

secretStoreConformance({
  name: 'JsonFileSecretStore (examples/custom-secret-store.ts)',
  create: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'custom-store-test-'));
    const store = new JsonFileSecretStore(join(dir, 'secrets.json'));
    dirs.set(store, dir);
    return store;
  },
  cleanup: (store) => rm(dirs.get(store)!, { recursive: true, force: true }),
  describe,
  it,
});

describe('examples/custom-secret-store.ts', () => {
  it('runs, printing only redacted values', async () => {
    const script = fileURLToPath(new URL('../../examples/custom-secret-store.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script]);
    expect(stdout).toMatch(/^stored \[secret fp:[0-9a-f]{8}\] version /);
    expect(stdout).toContain('Version conflict on "edenai/prod-web-app"');
    expect(stdout).toContain("keys [ 'edenai/prod-web-app' ]");
    expect(stdout).not.toContain('tok_example_value');
  });
});
