#!/usr/bin/env node
// Placeholder until the CLI issue lands: prints a short tour so `npm run demo` runs.
console.log('edenai-token-manager: the demo is being built. See README.md.');
