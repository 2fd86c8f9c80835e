// A token's allocated budget: Eden keeps only the remaining balance (and, for a budget that refills,
// the reset amount), so the SDK records the budget it allocates in the token's SecretStore entry,
// beside the value. Any process sharing the SecretStore reads it back; rotation carries it to the
// next generation. Tokens the SDK did not budget fall back to what else is known, and say so.
import { VersionConflictError } from '../core/errors.js';
import type { Logger } from '../core/types.js';
import type { EdenToken } from '../ports/backend.js';
import type { Metadata, SecretStore } from '../ports/stores.js';
import type { BudgetSource, EnvironmentPolicy, ResolvedBudget } from './types.js';

export type { BudgetSource, ResolvedBudget };

/** The metadata key of the recorded budget (USD; `null` or absent: none recorded). */
export const BUDGET_METADATA_KEY = 'budget';

const UNLIMITED: ResolvedBudget = Object.freeze({ budget: null, budgetSource: null });

/** The budget recorded in an entry's metadata, if a valid one is there. */
export function recordedBudget(metadata: Metadata | undefined): number | undefined {
  const value = metadata?.[BUDGET_METADATA_KEY];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The metadata a new generation's entry takes over from the current entry: the recorded budget.
 * Rotation spreads it into the metadata it writes, so the budget survives every generation.
 *
 * @example
 * await secrets.set(ref, value, { metadata: { tokenName, generation, ...carriedMetadata(current?.metadata) } });
 */
export function carriedMetadata(previous: Metadata | undefined): Metadata {
  const budget = recordedBudget(previous);
  return budget === undefined ? {} : { [BUDGET_METADATA_KEY]: budget };
}

/** A budget that refills: Eden itself holds the amount, so no SecretStore read is needed. */
function refillAmount(token: EdenToken): number | undefined {
  const amount = token.balanceResetAmount;
  return token.balanceResetPeriod !== 'none' && amount !== null && amount > 0 ? amount : undefined;
}

/** Whether resolving `token`'s budget needs its SecretStore entry. */
export function budgetNeedsEntry(token: EdenToken): boolean {
  return token.activeBalance && refillAmount(token) === undefined;
}

/**
 * A token's allocated budget: unlimited → none; a refilling budget → its reset amount; else the
 * recorded budget; else the policy's default (unless the balance exceeds it); else the balance.
 */
export function resolveBudget(
  token: EdenToken,
  recorded: number | undefined,
  policy: EnvironmentPolicy | undefined,
): ResolvedBudget {
  if (!token.activeBalance) return UNLIMITED;
  const refill = refillAmount(token);
  if (refill !== undefined) return { budget: refill, budgetSource: 'reset-amount' };
  if (recorded !== undefined) return { budget: recorded, budgetSource: 'recorded' };
  const fallback = policy?.budget?.default;
  if (fallback !== undefined && (token.balance === null || token.balance <= fallback + 5e-10))
    return { budget: fallback, budgetSource: 'policy' };
  return { budget: token.balance, budgetSource: 'observed' };
}

const MAX_ATTEMPTS = 3;

/**
 * Records `budget` (`null`: none) in the metadata of the entry at `ref`, keeping its value and
 * other metadata: compare-and-set, read again when a rotation or another process wrote meanwhile.
 * Returns false, after a warning, when there is no entry (a token created outside the SDK, whose
 * value it never held): such a token keeps falling back.
 */
export async function recordBudget(
  secrets: SecretStore,
  ref: string,
  budget: number | null,
  logger: Logger,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const entry = await secrets.get(ref);
    if (!entry) {
      logger.warn(`no SecretStore entry at ${ref}: the budget of this token could not be recorded`, { ref });
      return false;
    }
    const current = entry.metadata?.[BUDGET_METADATA_KEY] ?? null;
    if (current === budget) return true;
    const metadata: Metadata = { ...entry.metadata, [BUDGET_METADATA_KEY]: budget };
    try {
      await secrets.set(ref, entry.value, { ifVersion: entry.version, metadata });
      return true;
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
