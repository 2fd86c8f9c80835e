// Preloaded (`node --import tsx --import doc-harness.ts snippet.mts`) before a docs code block
// runs, so the block runs verbatim, as a reader would paste it: Eden AI's URLs answer from the
// built-in fake, the keys and passphrases the docs read from the environment are set, and files
// land in a fresh temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeEdenAI } from 'edenai-token-manager/testing';

const fake = await createFakeEdenAI({ listen: false });
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  // The URL alone: building a Request here would consume the body of the one passed in.
  const url = input instanceof Request ? input.url : String(input);
  return url.startsWith('https://api.edenai.run/') ? fake.fetch(input, init) : realFetch(input, init);
};

process.env['EDENAI_API_KEY'] = fake.apiKey;
process.env['EDENAI_MANAGEMENT_KEY'] = fake.managementKey;
process.env['EDENAI_TOKENS_KEY'] = 'a-passphrase-for-the-docs-tests';
process.env['TOKENS_KEY'] = 'a-passphrase-for-the-docs-tests';
const dir = mkdtempSync(join(tmpdir(), 'etm-docs-'));
process.chdir(dir);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
