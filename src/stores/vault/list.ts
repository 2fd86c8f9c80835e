// `list(prefix)`: walks the KV folders under the prefix's folder with LIST, then keeps the keys
// whose current version is live (Vault lists deleted keys too, since their metadata stays).
import type { LimitFunction } from 'p-limit';
import type { KvV2 } from './kv.js';
import { isCleanPath } from './options.js';

export async function listKeys(kv: KvV2, limit: LimitFunction, prefix: string): Promise<string[]> {
  const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  if (!isCleanPath(start, true)) return []; // "a//b", "./": no key can start so
  const candidates: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    // Only the HTTP calls take a slot: a folder waiting for its children never holds one.
    const entries = await limit(() => kv.listFolder(folder));
    await Promise.all(
      entries.map(async (entry) => {
        const path = folder + entry;
        if (entry.endsWith('/')) {
          if (path.startsWith(prefix) || prefix.startsWith(path)) await walk(path);
        } else if (path.startsWith(prefix)) candidates.push(path);
      }),
    );
  };
  await walk(start);
  const live = await Promise.all(
    candidates.map((key) =>
      limit(async () => ((m) => m !== undefined && !m.currentGone)(await kv.readMeta(key))),
    ),
  );
  return candidates.filter((_, i) => live[i]).sort();
}
