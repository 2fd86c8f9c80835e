import { assertObject } from './input.js';
import { managedName } from './managed-name.js';
import type { EnvironmentPolicy } from './policy.js';
import { type ResolvedSettings, resolveSettings, type SettingsInput } from './rules.js';

/** One app of a desired state, validated, with the policy's defaults applied. */
export interface DesiredEntry {
  name: string;
  environment: string;
  app: string;
  settings: ResolvedSettings;
  /** Which settings the entry states itself (defaults only shape new tokens; see `plan`). */
  stated: { budget: boolean; resetPeriod: boolean; expiresInDays: boolean };
}

const SETTINGS_FIELDS = ['budget', 'expiresInDays', 'resetPeriod', 'tokenType'] as const;

/**
 * Validates a whole desired state before anything is compared: unknown environments, malformed
 * app names, unknown settings and policy violations all throw here.
 */
export function normalizeDesired(
  desired: unknown,
  policyFor: (environment: string) => EnvironmentPolicy,
  environments: readonly string[],
): DesiredEntry[] {
  assertObject(desired, 'desired state');
  const entries: DesiredEntry[] = [];
  for (const [environment, apps] of Object.entries(desired)) {
    const policy = policyFor(environment);
    assertObject(apps, `desired apps of "${environment}"`);
    for (const [app, raw] of Object.entries(apps)) {
      const name = managedName(environment, app, environments);
      const input = raw ?? {};
      assertObject(input, `settings of ${name}`, SETTINGS_FIELDS);
      entries.push({
        name,
        environment,
        app,
        settings: resolveSettings(environment, policy, input as SettingsInput),
        stated: {
          budget: input['budget'] !== undefined,
          resetPeriod: input['resetPeriod'] !== undefined,
          expiresInDays: input['expiresInDays'] !== undefined,
        },
      });
    }
  }
  return entries;
}
