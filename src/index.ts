// The public entry of edenai-token-manager. Each concept's folder owns its own exports.

export * from './alerts/index.js';
export * from './backend/index.js';
export * from './client/index.js';
export * from './core/index.js';
export * from './management/index.js';
export * from './notifiers/index.js';
export * from './registry/index.js';
export * from './rotation/index.js';
export * from './secrets/index.js';
export * from './state/index.js';
export * from './usage/index.js';
