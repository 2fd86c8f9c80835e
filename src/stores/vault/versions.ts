// Version strings of VaultKvStore entries: the KV v2 version number ("3"). Deletes write a
// tombstone version (see store.ts) and keep the key's metadata, so numbers only grow and a
// version string is never reused.

export function formatVersion(version: number): string {
  return String(version);
}

/** The KV version number, or `undefined` for a string that cannot be one of ours (a sure conflict). */
export function parseVersion(version: string): number | undefined {
  return /^[1-9][0-9]{0,14}$/.test(version) ? Number(version) : undefined;
}
