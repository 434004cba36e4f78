// Pages are sized by bytes as well as by count: 1000 contacts at the caps would be 256 MiB of JSON
// (40 contacts of 14 MB once made every read of a book fail). A page whose items outgrow PAGE_BYTES
// is read again with only as many items as fit, so its cursor or token still comes from the store.
// Each item is turned into JSON once: the text that measures it is the text sent.
import type { Response } from "express";
import { breather } from "./gentle-json";

export const PAGE_BYTES = 8 * 1024 * 1024;

/** The JSON of the leading items that fit in `budget` bytes; at least one, so a page always moves on. */
export async function textsWithin(items: readonly unknown[], budget = PAGE_BYTES): Promise<string[]> {
  const pause = breather();
  const texts: string[] = [];
  let bytes = 0;
  for (const item of items) {
    const text = JSON.stringify(item) ?? "null";
    bytes += Buffer.byteLength(text);
    if (bytes > budget && texts.length > 0) break;
    texts.push(text);
    await pause();
  }
  return texts;
}

/** Reads a page, reading it again with fewer items when its items outgrow the budget, and sends it as
 *  `{[key]: items, ...rest(page)}`. */
export async function sendPageWithin<P>(
  res: Response,
  read: (limit: number) => Promise<P>,
  key: string,
  itemsOf: (page: P) => readonly unknown[],
  rest: (page: P) => Record<string, unknown>,
  limit: number,
): Promise<void> {
  let page = await read(limit);
  let texts = await textsWithin(itemsOf(page));
  if (texts.length < itemsOf(page).length) {
    page = await read(texts.length);
    texts = await textsWithin(itemsOf(page));
  }
  const after = JSON.stringify(rest(page)).slice(1); // "}" or '"field":…}'
  res.type("application/json").send(`{${JSON.stringify(key)}:[${texts.join(",")}]${after === "}" ? "}" : `,${after}`}`);
}
