import type { EdenToken } from '../ports/backend.js';
import { type ParsedName, parseTokenName } from './naming.js';
import type { ManagedToken } from './types.js';

/** The live Eden tokens of one logical token, ascending by generation. */
export interface TokenGroup {
  logicalName: string;
  environment: string;
  app: string;
  members: { generation: number; token: EdenToken }[];
}

export interface Grouped {
  groups: Map<string, TokenGroup>;
  unmanaged: EdenToken[];
}

/** One pass over `backend.list()`: O(n · environments), no awaits. */
export function groupTokens(tokens: readonly EdenToken[], environments: readonly string[]): Grouped {
  const groups = new Map<string, TokenGroup>();
  const unmanaged: EdenToken[] = [];
  for (const token of tokens) {
    const parsed: ParsedName | undefined = parseTokenName(token.name, environments);
    if (!parsed) {
      unmanaged.push(withoutSecret(token));
      continue;
    }
    let group = groups.get(parsed.logicalName);
    if (!group) {
      group = {
        logicalName: parsed.logicalName,
        environment: parsed.environment,
        app: parsed.app,
        members: [],
      };
      groups.set(parsed.logicalName, group);
    }
    const members = group.members;
    members.push({ generation: parsed.generation, token });
    // Usually one or two members, listed in order: sort only when they are not.
    const n = members.length;
    if (n > 1 && members[n - 2]!.generation > parsed.generation)
      members.sort((a, b) => a.generation - b.generation);
  }
  return { groups, unmanaged };
}

/** Unmanaged tokens are reported as they are, minus any value a legacy backend included. */
function withoutSecret(token: EdenToken): EdenToken {
  if (token.secret === undefined) return token;
  const { secret: _secret, ...rest } = token;
  return rest;
}

/**
 * The current generation: the one named by the SecretStore entry's `tokenName` when that one is
 * live, otherwise the highest.
 */
export function currentMember(group: TokenGroup, entryTokenName?: unknown): TokenGroup['members'][number] {
  const members = group.members;
  if (members.length > 1 && typeof entryTokenName === 'string') {
    const named = members.find((m) => m.token.name === entryTokenName);
    if (named) return named;
  }
  return members[members.length - 1]!;
}

/** Builds the public view from explicit fields, so no value or backend extra leaks through. */
export function toManagedToken(
  group: TokenGroup,
  current: { generation: number; token: EdenToken },
  secretRef: string,
): ManagedToken {
  const t = current.token;
  return {
    name: group.logicalName,
    tokenName: t.name,
    generation: current.generation,
    environment: group.environment,
    app: group.app,
    tokenType: t.tokenType,
    balance: t.balance,
    activeBalance: t.activeBalance,
    expireTime: t.expireTime,
    balanceResetPeriod: t.balanceResetPeriod,
    balanceResetAmount: t.balanceResetAmount,
    secretRef,
    generations: group.members.map((m) => m.token.name),
  };
}

export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
