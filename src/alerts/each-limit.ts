/**
 * Runs `fn` over `items` with at most `limit` calls in flight. Stops at the first rejection and
 * rethrows it (like `Promise.all`); callers that must not stop catch inside `fn`.
 */
export async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
