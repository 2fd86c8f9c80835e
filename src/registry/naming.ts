// Token names are `{environment}-{app}`; rotated generations append `--g{n}` (n ≥ 2), so
// `prod-web-app--g3` is generation 3 of the logical token `prod-web-app`. Segments are letters,
// digits and `_`, joined by single dashes, so `--` can only mean a generation. This file maps Eden's
// flat list of tokens to logical tokens and back.
import { InvalidInputError } from '../core/errors.js';
import { MAX_NAME_LENGTH } from '../core/limits.js';
import type { EdenToken } from '../ports/backend.js';
import type { ResolvedBudget } from './budget.js';
import type { ManagedToken, ParsedName } from './types.js';

/**
 * Separates a logical name from its rotation generation.
 *
 * @example
 * `prod-web-app${GENERATION_SEPARATOR}2`; // 'prod-web-app--g2'
 */
export const GENERATION_SEPARATOR = '--g';
const SEGMENT = /^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*$/;
const GENERATION = /--g([1-9][0-9]{0,5})$/;
/** The highest generation a name can carry (six digits, as `GENERATION` parses them back). */
const MAX_GENERATION = 999_999;
/** The longest suffix a rotation may ever append: `--g999999`. */
const LONGEST_SUFFIX = `${GENERATION_SEPARATOR}${MAX_GENERATION}`.length;
/** Keys every object has (`constructor`, `toString`…, and `__proto__`, which vanishes as a key). */
const OBJECT_MEMBERS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/**
 * Why `name` cannot name an environment or an app although it is well-formed, or `undefined`.
 * Both are keys of plain objects (policies, desired states, configs, `byEnvironment()`): there
 * `__proto__` vanishes (it sets the prototype), and an environment named `constructor`,
 * `prototype` or `toString` would shadow what every object has.
 *
 * @example
 * reservedNameProblem('environment', '__proto__'); // '"__proto__" cannot name an environment: …'
 * reservedNameProblem('app', 'prototype'); // undefined: an app of that name is fine
 */
export function reservedNameProblem(kind: 'environment' | 'app', name: string): string | undefined {
  if (name === '__proto__')
    return `"__proto__" cannot name an ${kind}: as a key of a plain object (a config, a desired state) it vanishes`;
  if (kind === 'environment' && OBJECT_MEMBERS.has(name))
    return `"${name}" cannot name an environment: environments are keys of plain objects, where "${name}" is what every object has`;
  return undefined;
}

/**
 * Why `value` (environments, a desired state) is not a plain object, or `undefined`: an object
 * literal's `__proto__: {…}` entry silently becomes its prototype instead of an entry.
 *
 * @example
 * plainObjectProblem({ __proto__: { tokenType: 'api_token' } }, 'environments'); // 'environments must be a plain object: …'
 */
export function plainObjectProblem(value: object, what: string): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return undefined;
  return `${what} must be a plain object: a "__proto__" entry sets its prototype (and vanishes) instead of naming an entry`;
}

/**
 * Throws `InvalidInputError` unless `value` is a valid environment or app segment.
 *
 * @example
 * assertSegment('app', 'web-app'); // ok
 * assertSegment('app', 'web--app'); // throws: `--` is reserved for generations
 */
function assertSegment(kind: 'environment' | 'app', value: unknown): asserts value is string {
  if (typeof value !== 'string' || !SEGMENT.test(value)) {
    throw new InvalidInputError(
      `Invalid ${kind} name ${JSON.stringify(value)}: use letters, digits and "_", separated by single dashes`,
      { field: kind },
    );
  }
  const reserved = reservedNameProblem(kind, value);
  if (reserved) throw new InvalidInputError(reserved, { field: kind });
}

/**
 * Builds an Eden token name; throws `InvalidInputError` for malformed parts or names over 200 characters.
 *
 * @example
 * formatTokenName('prod', 'web-app'); // 'prod-web-app'
 * formatTokenName('prod', 'web-app', 3); // 'prod-web-app--g3'
 */
export function formatTokenName(environment: string, app: string, generation = 1): string {
  assertSegment('environment', environment);
  assertSegment('app', app);
  if (!Number.isInteger(generation) || generation < 1 || generation > MAX_GENERATION) {
    throw new InvalidInputError(
      `Invalid generation ${generation}: must be an integer from 1 to ${MAX_GENERATION}`,
      { field: 'generation' },
    );
  }
  const name = `${environment}-${app}${generation > 1 ? `${GENERATION_SEPARATOR}${generation}` : ''}`;
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidInputError(
      `Token name is ${name.length} characters; Eden allows at most ${MAX_NAME_LENGTH}`,
      {
        field: 'name',
      },
    );
  }
  return name;
}

/**
 * Splits off a generation suffix.
 *
 * @example
 * splitGeneration('prod-web-app--g3'); // { base: 'prod-web-app', generation: 3 }
 * splitGeneration('prod-web-app'); // { base: 'prod-web-app', generation: 1 }
 */
export function splitGeneration(name: string): { base: string; generation: number } {
  const m = GENERATION.exec(name);
  if (!m) return { base: name, generation: 1 };
  return { base: name.slice(0, m.index), generation: Number(m[1]) };
}

/**
 * Parses a token name against the known environments (longest match first, since environment
 * names may contain dashes). Returns `undefined` for names that match no environment (unmanaged).
 *
 * @example
 * parseTokenName('prod-eu-web-app--g2', ['prod', 'prod-eu']);
 * // { logicalName: 'prod-eu-web-app', environment: 'prod-eu', app: 'web-app', generation: 2 }
 * parseTokenName('legacy-token', ['prod']); // undefined (unmanaged)
 */
export function parseTokenName(name: string, environments: readonly string[]): ParsedName | undefined {
  const { base, generation } = splitGeneration(name);
  let best: string | undefined;
  for (const env of environments) {
    if (base.length > env.length + 1 && base.startsWith(`${env}-`) && (!best || env.length > best.length))
      best = env;
  }
  if (!best) return undefined;
  const app = base.slice(best.length + 1);
  if (!SEGMENT.test(app)) return undefined;
  return { logicalName: base, environment: best, app, generation };
}

/**
 * `{environment}-{app}`, refusing names that would read back as another environment (with `prod`
 * and `prod-eu` declared, app `eu-web` in `prod` would be `prod-eu-web`, which parses as
 * `prod-eu`), and names whose later generations would not fit Eden's 200 characters: every name
 * the SDK will build for the token is checked when it is created.
 */
export function managedName(environment: string, app: string, environments: readonly string[]): string {
  const name = formatTokenName(environment, app);
  if (name.length + LONGEST_SUFFIX > MAX_NAME_LENGTH) {
    throw new InvalidInputError(
      `Token name "${name}" is ${name.length} characters: rotation appends up to ${LONGEST_SUFFIX} ("${GENERATION_SEPARATOR}${MAX_GENERATION}") and Eden allows at most ${MAX_NAME_LENGTH}, so {environment}-{app} may have at most ${MAX_NAME_LENGTH - LONGEST_SUFFIX}`,
      { field: 'app' },
    );
  }
  const parsedAs = parseTokenName(name, environments)?.environment;
  if (parsedAs !== environment) {
    throw new InvalidInputError(
      `App "${app}" in ${environment} would be named "${name}", which reads as environment ${parsedAs}: choose another app name`,
      { field: 'app' },
    );
  }
  return name;
}

// ── logical tokens from one list ─────────────────────────────────────────

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
    // A token the backend cannot change (a v3 legacy key) is reported, never managed.
    const parsed = token.unmanageable ? undefined : parseTokenName(token.name, environments);
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

/**
 * Builds the public view from explicit fields, so no value or backend extra leaks through. An
 * unlimited token shows no balance: what Eden reports there is not enforced.
 */
export function toManagedToken(
  group: TokenGroup,
  current: { generation: number; token: EdenToken },
  secretRef: string,
  budget: ResolvedBudget,
): ManagedToken {
  const t = current.token;
  return {
    name: group.logicalName,
    tokenName: t.name,
    generation: current.generation,
    environment: group.environment,
    app: group.app,
    tokenType: t.tokenType,
    budget: budget.budget,
    budgetSource: budget.budgetSource,
    balance: t.activeBalance ? t.balance : null,
    activeBalance: t.activeBalance,
    expireTime: t.expireTime,
    balanceResetPeriod: t.balanceResetPeriod,
    balanceResetAmount: t.balanceResetAmount,
    secretRef,
    generations: group.members.map((m) => m.token.name),
    ...(t.tags && { tags: { ...t.tags } }),
  };
}

export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
