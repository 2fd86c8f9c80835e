import type { SecretStore } from '../ports/stores.js';

/** What the CLI may say about a stored token value: where it is and its fingerprint. Never the value. */
export interface SecretInfo {
  ref: string;
  stored: boolean;
  /** 8 hex chars of SHA-256, enough to tell two values apart; `null` when unreadable. */
  fingerprint: string | null;
  /** Why the store could not be read (a missing passphrase…), when it could not. */
  problem?: string;
}

export async function secretInfo(secrets: SecretStore, ref: string): Promise<SecretInfo> {
  try {
    const entry = await secrets.get(ref);
    return { ref, stored: entry !== undefined, fingerprint: entry?.value.fingerprint ?? null };
  } catch (error) {
    return { ref, stored: false, fingerprint: null, problem: (error as Error).message };
  }
}

export function describeSecret(info: SecretInfo): string {
  if (info.problem) return `${info.ref} (unreadable: ${info.problem})`;
  return info.stored ? `${info.ref}  fp:${info.fingerprint}` : `${info.ref} (no entry)`;
}
