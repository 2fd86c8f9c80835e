import { InvalidInputError } from '../core/errors.js';
import { formatTokenName, parseTokenName } from './naming.js';

/**
 * `{environment}-{app}`, refusing names that would read back as another environment: with `prod`
 * and `prod-eu` declared, app `eu-web` in `prod` would be `prod-eu-web`, which parses as `prod-eu`.
 */
export function managedName(environment: string, app: string, environments: readonly string[]): string {
  const name = formatTokenName(environment, app);
  const parsedAs = parseTokenName(name, environments)?.environment;
  if (parsedAs !== environment) {
    throw new InvalidInputError(
      `App "${app}" in ${environment} would be named "${name}", which reads as environment ${parsedAs}: choose another app name`,
      { field: 'app' },
    );
  }
  return name;
}
