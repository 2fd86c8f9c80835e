// The root entry as Node resolves it (the "node" export condition): the web-standard names plus the
// Node-only stores. Both lists are curated by name in the two files below.

export * from './index.js';
export * from './node.js';
