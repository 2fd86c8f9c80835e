// `list(prefix)` with SCAN MATCH (never KEYS, which blocks the server while it walks every key).
import type { Redis } from 'ioredis';

/** Escapes Redis glob characters so a key prefix matches literally. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\^]/g, '\\$&');
}

/** Full Redis keys starting with `fullPrefix` (SCAN may repeat keys: deduplicated). */
export async function scanKeys(redis: Redis, fullPrefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const match = `${globEscape(fullPrefix)}*`;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}
