import type { ClientOptions } from '../http/options.js';
import { CostClient, CustomTokenClient, ManagementKeyBackend, ManagementKeyClient } from '../index-node.js';
import type { TokenBackend } from '../ports/backend.js';
import type { UsageSource } from '../ports/usage.js';
import type { ManagementKeyClientOptions } from '../v3/options.js';
import type { ApiVersion } from './api-version.js';

/** What a runtime talks to: the token backend and the usage source of one API version. */
export interface ApiClients {
  backend: TokenBackend;
  usageSource: UsageSource;
}

/**
 * v2: `CustomTokenClient` + `CostClient` on the same options (so the same rate limiter).
 * v3: one `ManagementKeyClient`, both the backend's transport and the usage source.
 */
export function openApiClients(
  api: ApiVersion,
  options: { v2: () => ClientOptions; v3: () => ManagementKeyClientOptions },
): ApiClients {
  if (api === 'v3') {
    const client = new ManagementKeyClient(options.v3());
    return { backend: new ManagementKeyBackend(client), usageSource: client };
  }
  const v2 = options.v2();
  return { backend: new CustomTokenClient(v2), usageSource: new CostClient(v2) };
}
