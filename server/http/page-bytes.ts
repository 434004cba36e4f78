// Pages are sized by bytes as well as by count: 1000 contacts at the caps would be 256 MiB of JSON
// (40 contacts of 14 MB once made every read of a book fail). A page whose items outgrow PAGE_BYTES
// is read again with only as many items as fit, so its cursor or token still comes from the store.
import { breather } from "./gentle-json";

export const PAGE_BYTES = 8 * 1024 * 1024;

/** How many of the leading items fit in `budget` bytes of JSON; at least one, so a page always moves on. */
export async function countWithin(items: readonly unknown[], budget = PAGE_BYTES): Promise<number> {
  const pause = breather();
  let bytes = 0;
  for (let i = 0; i < items.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(items[i]) ?? "");
    if (bytes > budget) return Math.max(i, 1);
    await pause();
  }
  return items.length;
}

/** Reads a page, and reads it again with fewer items when its items outgrow the budget. */
export async function pageWithin<P>(
  read: (limit: number) => Promise<P>,
  itemsOf: (page: P) => readonly unknown[],
  limit: number,
): Promise<P> {
  const page = await read(limit);
  const items = itemsOf(page);
  const fits = await countWithin(items);
  return fits < items.length ? read(fits) : page;
}
