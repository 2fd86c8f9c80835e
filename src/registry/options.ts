import { ConfigurationError } from '../core/errors.js';
import { type Clock, type Logger, silentLogger, systemClock } from '../core/types.js';
import type { TokenBackend } from '../ports/backend.js';
import type { SecretStore } from '../ports/stores.js';
import { type EnvironmentPolicy, type EnvironmentPolicyInput, parseEnvironments } from './policy.js';

export interface TokenRegistryOptions {
  /** Where tokens live: a `CustomTokenClient`, or any `TokenBackend`. */
  backend: TokenBackend;
  /** Where token values live. */
  secrets: SecretStore;
  /** Environment name → policy. Names become token-name prefixes: `{environment}-{app}`. */
  environments: Record<string, EnvironmentPolicyInput>;
  clock?: Clock;
  /** SecretStore key prefix. Default `edenai/`. */
  secretPrefix?: string;
  /** Receives one line per write (names only, never values). Default: silent. */
  logger?: Logger;
}

export interface ResolvedRegistryOptions {
  backend: TokenBackend;
  secrets: SecretStore;
  environments: Readonly<Record<string, EnvironmentPolicy>>;
  clock: Clock;
  secretPrefix: string;
  logger: Logger;
}

/** Checks the collaborators and policies once, at construction (`ConfigurationError`). */
export function resolveRegistryOptions(options: TokenRegistryOptions): ResolvedRegistryOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('TokenRegistry needs { backend, secrets, environments }');
  const { backend, secrets, secretPrefix = 'edenai/' } = options;
  for (const m of ['create', 'list', 'get', 'update', 'delete'] as const) {
    if (typeof backend?.[m] !== 'function')
      throw new ConfigurationError(`\`backend\` must implement TokenBackend (missing ${m}())`);
  }
  for (const m of ['get', 'set', 'delete', 'list'] as const) {
    if (typeof secrets?.[m] !== 'function')
      throw new ConfigurationError(`\`secrets\` must implement SecretStore (missing ${m}())`);
  }
  if (typeof secretPrefix !== 'string') throw new ConfigurationError('`secretPrefix` must be a string');
  if (options.clock !== undefined && typeof options.clock !== 'function')
    throw new ConfigurationError('`clock` must be a function returning a Date');
  return {
    backend,
    secrets,
    environments: Object.freeze(parseEnvironments(options.environments)),
    clock: options.clock ?? systemClock,
    secretPrefix,
    logger: options.logger ?? silentLogger,
  };
}
