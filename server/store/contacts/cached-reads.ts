// Reads served from the instance's cache (store/contact-cache.ts), brought up to the published
// head first: full reads (the change feed without a token, and the listing) and searches.
import type { ContactCache } from "../contact-cache";
import type { SearchPage, SearchQuery } from "../contract";
import { decodeSearchCursor, encodeSearchCursor } from "../search-text";
import type { Leases } from "./lease";
import { toStored } from "./records";

export function createCachedReads(leases: Pick<Leases, "published">, cache: ContactCache) {
  /** Valid entries after `after` in log order, up to `limit`, as the log would give them at the
   *  head `head` published when the read began (or a later one the cache is at). */
  async function fullPage(
    book: string,
    head: number,
    horizon: number,
    after: number,
    limit: number,
    withTombstone: (p: number) => boolean,
  ) {
    const b = await cache.at(book, head, horizon);
    const { versions, cursor, more } = cache.page(b, after, limit, withTombstone);
    return { docs: versions, cursor, more };
  }

  async function search(book: string, query: SearchQuery, limit: number, cursor?: string): Promise<SearchPage> {
    const after = cursor === undefined ? undefined : decodeSearchCursor(cursor);
    const { head, horizon } = await leases.published(book);
    const b = await cache.at(book, head, horizon);
    const { versions, last } = cache.search(b, query, limit, after);
    return { contacts: versions.map(toStored), cursor: last ? encodeSearchCursor(last) : null };
  }

  async function countLive(book: string): Promise<number> {
    const { head, horizon } = await leases.published(book);
    return cache.countLive(await cache.at(book, head, horizon));
  }

  return { fullPage, search, countLive };
}

export type CachedReads = ReturnType<typeof createCachedReads>;
