import { InvalidInputError } from '../core/errors.js';
import { MAX_NAME_LENGTH } from '../core/limits.js';

/**
 * Token names are `{environment}-{app}`; rotated generations append `--g{n}` (n ≥ 2), so
 * `prod-web-app--g3` is generation 3 of the logical token `prod-web-app`. Segments are
 * letters, digits and `_`, joined by single dashes, so `--` can only mean a generation.
 */
/**
 * Separates a logical name from its rotation generation.
 *
 * @example
 * `prod-web-app${GENERATION_SEPARATOR}2`; // 'prod-web-app--g2'
 */
export const GENERATION_SEPARATOR = '--g';
const SEGMENT = /^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*$/;
const GENERATION = /--g([1-9][0-9]{0,5})$/;

export interface ParsedName {
  /** The logical name without generation: `prod-web-app`. */
  logicalName: string;
  environment: string;
  app: string;
  /** 1 for the bare name. */
  generation: number;
}

/**
 * Throws `InvalidInputError` unless `value` is a valid environment or app segment.
 *
 * @example
 * assertSegment('app', 'web-app'); // ok
 * assertSegment('app', 'web--app'); // throws: `--` is reserved for generations
 */
export function assertSegment(kind: 'environment' | 'app', value: unknown): asserts value is string {
  if (typeof value !== 'string' || !SEGMENT.test(value)) {
    throw new InvalidInputError(
      `Invalid ${kind} name ${JSON.stringify(value)}: use letters, digits and "_", separated by single dashes`,
      { field: kind },
    );
  }
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
  if (!Number.isInteger(generation) || generation < 1) {
    throw new InvalidInputError(`Invalid generation ${generation}: must be an integer ≥ 1`, {
      field: 'generation',
    });
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
