// What the registry's writes send: the create body, storing a new token's value (or undoing the
// create), and the patches of setBudget, topUp and extend, each checked against the policy, with
// the allocated budget each one records.
import { ConfigurationError, InvalidInputError, NotFoundError } from '../core/errors.js';
import { assertDays, assertMoney } from '../core/limits.js';
import type { Secret } from '../core/secret.js';
import type { Logger, RequestOptions } from '../core/types.js';
import type { CreateTokenInput, EdenToken, TokenBackend, UpdateTokenInput } from '../ports/backend.js';
import type { SecretStore } from '../ports/stores.js';
import { BUDGET_METADATA_KEY } from './budget.js';
import { addDays, roundMoney } from './input.js';
import { checkBudget, checkExpiryDate, type ResolvedSettings } from './policy.js';
import type { EnvironmentPolicy, ManagedToken, SecretEntryMetadata } from './types.js';

/** The Eden create body for resolved settings: a budget is enforced, and refilled when a period applies. */
export function createBody(name: string, s: ResolvedSettings, now: Date): CreateTokenInput {
  const body: CreateTokenInput = { name, tokenType: s.tokenType };
  if (s.budget === undefined) body.activeBalance = false;
  else {
    body.balance = s.budget;
    body.activeBalance = true;
    if (s.resetPeriod !== 'none') {
      body.balanceResetPeriod = s.resetPeriod;
      body.balanceResetAmount = s.budget;
    }
  }
  if (s.expiresInDays !== undefined) body.expireTime = addDays(now, s.expiresInDays);
  return body;
}

interface Deps {
  backend: TokenBackend;
  secrets: SecretStore;
  logger: Logger;
}

/** The store's class name for messages (`EnvSecretStore`), or `SecretStore`. */
export function storeName(secrets: SecretStore): string {
  const name = (Object.getPrototypeOf(secrets) as { constructor?: { name?: unknown } } | null)?.constructor
    ?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : 'SecretStore';
}

/**
 * Proves the store can take a value at `key`'s neighbourhood before anything is written at Eden:
 * writes and deletes a throwaway entry at `{key}.pending`, each with compare-and-set, after `fence`
 * (a rotation proving it still holds its lock). Returns the failed step and its error.
 */
export async function probeStore(
  secrets: SecretStore,
  key: string,
  fence?: () => Promise<void>,
): Promise<{ doing: 'read' | 'write' | 'delete'; key: string; error: unknown } | undefined> {
  const probe = `${key}.pending`;
  let doing: 'read' | 'write' | 'delete' = 'read';
  try {
    const before = await secrets.get(probe);
    await fence?.();
    doing = 'write';
    const { version } = await secrets.set(probe, 'edenai-token-manager: write check', {
      ifVersion: before?.version ?? null,
    });
    doing = 'delete';
    await secrets.delete(probe, { ifVersion: version });
    return undefined;
  } catch (error) {
    return { doing, key: probe, error };
  }
}

/** Before a create: a store that cannot hold the value fails now, with its own reason, not after Eden made a token. */
export async function assertStoreCanHold(secrets: SecretStore, secretRef: string): Promise<void> {
  const failed = await probeStore(secrets, secretRef);
  if (!failed) return;
  const reason = failed.error instanceof Error ? failed.error.message : String(failed.error);
  throw new ConfigurationError(
    `The secret store (${storeName(secrets)}) cannot ${failed.doing} ${failed.key}: ${reason}. Nothing was created at Eden AI: the new token's value would have nowhere to go. Configure a writable secret store, then create again.`,
    { cause: failed.error },
  );
}

/**
 * After `backend.create`: finds the new token's value (in the create answer, else by reading the
 * token, since Eden's v2 create never returns it) and stores it at `secretRef`, with the allocated
 * `budget` (`undefined`: unlimited). If that fails, the token is deleted again, so no token is left
 * whose value nobody holds. Returns the freshest view.
 */
export async function storeNewValue(
  deps: Deps,
  created: EdenToken,
  secretRef: string,
  budget: number | undefined,
  options?: RequestOptions,
): Promise<EdenToken> {
  const name = created.name;
  try {
    let token = created;
    let secret: Secret | undefined = created.secret;
    if (!secret) {
      token = await deps.backend.get(name, options);
      secret = token.secret;
    }
    if (!secret) throw new ConfigurationError(`backend returned no value for token "${name}"`);
    const metadata: SecretEntryMetadata = { tokenName: name, generation: 1 };
    if (budget !== undefined) metadata[BUDGET_METADATA_KEY] = budget;
    await deps.secrets.set(secretRef, secret, { metadata });
    return token;
  } catch (err) {
    throw await undoCreate(deps, name, err, options);
  }
}

async function undoCreate(
  deps: Deps,
  name: string,
  cause: unknown,
  options?: RequestOptions,
): Promise<unknown> {
  let undone = true;
  try {
    await deps.backend.delete(name, options);
  } catch (err) {
    undone = err instanceof NotFoundError;
    deps.logger.error(`could not delete ${name} after a failed create`, { name });
  }
  const tail = undone ? 'it was deleted again' : `deleting it failed too: delete "${name}" by hand`;
  if (cause instanceof ConfigurationError) {
    return new ConfigurationError(
      `Token "${name}" was created, but the backend does not expose token values (none on create or read), so ${tail}. Eden's v2 API may no longer return values; use a backend whose create hands the value over, such as ManagementKeyBackend (v3).`,
      { cause },
    );
  }
  if (!undone && cause instanceof Error) cause.message += ` (token "${name}" was created; ${tail})`;
  return cause;
}

/**
 * One registry write: the patch Eden gets, and the allocated budget to record in the SecretStore
 * entry afterwards (`null`: none; absent: unchanged).
 */
export interface TokenWrite {
  patch: UpdateTokenInput;
  budget?: number | null;
}

/** `setBudget`: the balance becomes `amount` and is enforced; a periodic token refills to it too. */
export function budgetPatch(token: ManagedToken, policy: EnvironmentPolicy, amount: unknown): TokenWrite {
  assertMoney(amount, 'amount');
  checkBudget(token.environment, policy, amount);
  return {
    patch: {
      balance: amount,
      activeBalance: true,
      ...(token.balanceResetPeriod !== 'none' && { balanceResetAmount: amount }),
    },
    budget: amount,
  };
}

/**
 * `topUp`: a one-off addition to the current balance. Without a reset period it adds to the
 * allocated budget too; with one, the budget stays the reset amount (the top-up lasts until the
 * next refill). A token without an enforced budget spends without limit, so adding to it means
 * nothing: InvalidInputError.
 */
export function topUpPatch(token: ManagedToken, policy: EnvironmentPolicy, amount: unknown): TokenWrite {
  assertMoney(amount, 'amount', { positive: true });
  if (!token.activeBalance) {
    throw new InvalidInputError(
      `Token "${token.name}" has no budget (unlimited spending), so there is nothing to top up: use setBudget to give it one`,
      { field: 'name' },
    );
  }
  const balance = roundMoney((token.balance ?? 0) + amount);
  assertMoney(balance, 'balance after top-up');
  checkBudget(token.environment, policy, balance, 'Balance after top-up');
  if (token.balanceResetPeriod !== 'none') return { patch: { balance } };
  const budget = roundMoney((token.budget ?? token.balance ?? 0) + amount);
  checkBudget(token.environment, policy, budget, 'Budget after top-up');
  return { patch: { balance }, budget };
}

/**
 * `extend`: the expiry moves `days` past the current expiry, or past now when there is none or it
 * has passed; the result must stay within `expiry.maxDays` of now.
 */
export function extendPatch(
  token: ManagedToken,
  policy: EnvironmentPolicy,
  days: unknown,
  now: Date,
): TokenWrite {
  assertDays(days, 'days');
  const from = token.expireTime && token.expireTime.getTime() > now.getTime() ? token.expireTime : now;
  const expireTime = addDays(from, days);
  checkExpiryDate(token.environment, policy, expireTime, now);
  return { patch: { expireTime } };
}
