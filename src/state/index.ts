export { FileStateStore, type FileStoreOptions } from './file.js';
export { MemoryStateStore } from './memory.js';
export type * from './types.js';
