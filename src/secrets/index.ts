export { EnvSecretStore, type EnvSecretStoreOptions } from './env.js';
export { FileSecretStore, type FileSecretStoreOptions } from './file.js';
export { MemorySecretStore } from './memory.js';
export type * from './types.js';
