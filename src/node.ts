// The `edenai-token-manager/node` entry: the parts that need Node's file system and process
// environment. The root entry also carries these names when Node resolves it.

export {
  type AuditLogEntry,
  type AuditLogProblem,
  type AuditLogVerification,
  FileAuditSink,
  type FileAuditSinkOptions,
  readAuditLog,
  verifyAuditLog,
} from './audit/file-sink.js';
export { EnvSecretStore, type EnvSecretStoreOptions } from './stores/env.js';
export {
  FileSecretStore,
  type FileSecretStoreOptions,
  FileStateStore,
  type FileStateStoreOptions,
} from './stores/file.js';
