// The public surface, recorded: one API Extractor report per package entry in etc/. `npm test`
// runs this in check mode (after the build), which fails when the surface changed and the report
// was not updated; `npm run api:update` rewrites the reports for review in the same commit.

import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = fileURLToPath(new URL('..', import.meta.url));
const local = process.argv.includes('--local');
// Every entry of package.json "exports" (the root as Node resolves it: web names plus /node).
const entries = [
  'index-node',
  'index',
  'node',
  'testing',
  'aws',
  'vault',
  'redis',
  'azure',
  'gcp',
  'kubernetes',
];

let failed = false;
for (const entry of entries) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: `<projectFolder>/dist/${entry}.d.ts`,
      compiler: { tsconfigFilePath: '<projectFolder>/tsconfig.json' },
      apiReport: {
        enabled: true,
        reportFolder: '<projectFolder>/etc/',
        reportTempFolder: '<projectFolder>/node_modules/.cache/api-extractor/',
        reportFileName: `${entry === 'index-node' ? 'edenai-token-manager' : `edenai-token-manager.${entry}`}`,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: `${root}api-extractor.json`,
    packageJsonFullPath: `${root}package.json`,
  });
  const result = Extractor.invoke(config, {
    localBuild: local,
    showVerboseMessages: false,
    messageCallback: (m) => {
      if (m.logLevel === 'warning' && m.category === 'Compiler') m.handled = true;
    },
  });
  if (!result.succeeded) {
    failed = true;
    console.error(
      `API report for "${entry}" ${result.apiReportChanged ? 'changed' : 'failed'}: run \`npm run api:update\`, review etc/, commit it.`,
    );
  }
}
if (failed) process.exit(1);
console.log(`API reports ${local ? 'written' : 'match'}: ${entries.length} entries (etc/*.api.md).`);
