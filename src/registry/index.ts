export * from './naming.js';
export type { EnvironmentPolicy, EnvironmentPolicyInput } from './policy.js';
export { environmentPolicySchema, parseEnvironments } from './policy.js';
export type { ApplyOptions, PlanOptions, TokenRegistryOptions } from './registry.js';
export { TokenRegistry } from './registry.js';
export type * from './types.js';
