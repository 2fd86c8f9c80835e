// Cost tags from policy: an environment's tag templates (`{environment}`, `{app}`), a token's own
// tags over them, and the drift between what a token should carry and what its key carries. On v3
// they are the key's `default_tags`; v2 has no tags, so there they have no effect.
import { mergeTags, normalizeTags } from '../core/limits.js';
import type { EnvironmentPolicy } from './types.js';

/** The placeholders a policy's tag values may use. */
const PLACEHOLDER = /\{(environment|app)\}/g;

/**
 * The tags a token of `environment` / `app` should carry: the policy's, placeholders replaced,
 * then `own` over them. `undefined` when neither declares any. `InvalidInputError` names the tag
 * and the rule it breaks (Eden's rules: see `normalizeTags`).
 */
export function desiredTags(
  policy: EnvironmentPolicy,
  environment: string,
  app: string,
  own?: unknown,
): Record<string, string> | undefined {
  if (policy.tags === undefined && own === undefined) return undefined;
  const base: Record<string, string> = {};
  for (const [key, template] of Object.entries(policy.tags ?? {}))
    base[key] = template.replace(PLACEHOLDER, (_, name: string) => (name === 'app' ? app : environment));
  return mergeTags(normalizeTags(base, 'tags'), own === undefined ? undefined : normalizeTags(own, 'tags'));
}

/**
 * The tags to set when `current` lacks or differs on any of `wanted` (tags the key has beyond
 * them are kept); `undefined` when nothing drifted, or when the backend does not report tags.
 */
export function tagDrift(
  current: Record<string, string> | undefined,
  wanted: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (current === undefined || wanted === undefined) return undefined;
  const drifted = Object.entries(wanted).some(([key, value]) => current[key] !== value);
  return drifted ? { ...current, ...wanted } : undefined;
}
