// The `edenai-token-manager/node` entry: the parts that need Node's file system and process
// environment. The root entry also carries these names when Node resolves it.

export { EnvSecretStore, type EnvSecretStoreOptions } from './stores/env.js';
export {
  FileSecretStore,
  type FileSecretStoreOptions,
  FileStateStore,
  type FileStateStoreOptions,
} from './stores/file.js';
