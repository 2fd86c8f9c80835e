import type { KeyPage } from './schemas.js';
import type { ManagementKey } from './types.js';

/** Fetches the page at `offset` (the client binds auth, `limit` and request options). */
export type PageFetcher = (offset: number) => Promise<KeyPage>;

/**
 * The keys of `GET /manage/keys/`, page by page, fetched lazily as you iterate (revoked keys
 * included, marked `revoked`). Each iteration walks the pages again. A key that moves to a later
 * page while the walk runs (a key created meanwhile shifts the offsets) is yielded once.
 *
 * @example
 * for await (const key of client.list()) if (!key.revoked) console.log(key.name);
 * const all = await client.list().toArray();
 */
export class ManagementKeyList implements AsyncIterable<ManagementKey> {
  readonly #fetchPage: PageFetcher;

  /** @internal built by `ManagementKeyClient.list` */
  constructor(fetchPage: PageFetcher) {
    this.#fetchPage = fetchPage;
  }

  /**
   * The raw pages, in order.
   *
   * @example
   * for await (const page of client.list({ limit: 100 }).pages()) console.log(page.length);
   */
  async *pages(): AsyncGenerator<ManagementKey[], void, undefined> {
    const seen = new Set<string>();
    let offset = 0;
    for (;;) {
      const page = await this.#fetchPage(offset);
      offset += page.keys.length;
      const fresh = page.keys.filter((key) => {
        if (key.id === null) return true;
        if (seen.has(key.id)) return false;
        seen.add(key.id);
        return true;
      });
      if (fresh.length > 0) yield fresh;
      // An empty page ends the walk even if `next` says otherwise: no endless loop on a bad server.
      const more = page.hasNext && page.keys.length > 0 && (page.count === null || offset < page.count);
      if (!more) return;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ManagementKey, void, undefined> {
    for await (const page of this.pages()) yield* page;
  }

  /**
   * Every key, all pages fetched.
   *
   * @example
   * const live = (await client.list().toArray()).filter((k) => !k.revoked);
   */
  async toArray(): Promise<ManagementKey[]> {
    const keys: ManagementKey[] = [];
    for await (const page of this.pages()) keys.push(...page);
    return keys;
  }
}
