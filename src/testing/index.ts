// The `edenai-token-manager/testing` entry: the fake Eden AI server and the adapter conformance suites.

export * from './conformance/index.js';
export * from './fake/index.js';
