// A minimal RegistryView for logic tests: declared environments, a fixed token list, and the
// real name parser, so the monitor is tested apart from TokenRegistry and the backend.

import { NotFoundError } from 'edenai-token-manager';
import { parseTokenName } from '../../src/registry/naming.js';
import { parseEnvironments } from '../../src/registry/policy.js';
import type { ManagedToken, RegistryView, TokensByEnvironment } from '../../src/registry/types.js';

export function managed(name: string, patch: Partial<ManagedToken> = {}): ManagedToken {
  const [environment, ...app] = name.split('-');
  return {
    name,
    tokenName: name,
    generation: 1,
    environment: environment!,
    app: app.join('-'),
    tokenType: 'api_token',
    budget: null,
    budgetSource: null,
    balance: null,
    activeBalance: false,
    expireTime: null,
    balanceResetPeriod: 'none',
    balanceResetAmount: null,
    secretRef: `edenai/${name}`,
    generations: [name],
    ...patch,
  };
}

export function stubRegistry(
  environments: string[],
  tokens: ManagedToken[],
): RegistryView & { calls: string[] } {
  const calls: string[] = [];
  const envs = parseEnvironments(Object.fromEntries(environments.map((e) => [e, {}])));
  return {
    calls,
    environments: envs,
    parseName: (n) => parseTokenName(n, environments),
    async list(filter = {}) {
      calls.push('list');
      return tokens.filter((t) => !filter.environment || t.environment === filter.environment);
    },
    async byEnvironment() {
      const out = Object.fromEntries(environments.map((e) => [e, tokens.filter((t) => t.environment === e)]));
      return { ...out, unmanaged: [] } as TokensByEnvironment;
    },
    async get(name) {
      calls.push(`get ${name}`);
      const base = parseTokenName(name, environments)?.logicalName ?? name;
      const t = tokens.find((x) => x.name === base);
      if (!t) throw new NotFoundError(`Token "${name}" not found`, { status: 404 });
      return t;
    },
  };
}
