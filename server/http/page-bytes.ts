// Pages are sized by bytes as well as by count: 1000 contacts at the caps would be 256 MiB of JSON
// (40 contacts of 14 MB once made every read of a book fail). A page whose items outgrow PAGE_BYTES
// is read again with only as many items as fit, so its cursor or token still comes from the store.
// Each item is turned into JSON once: the text that measures it is the text sent.
import type { Response } from "express";
import { type ChangePage, type ContactPage, contactTextsOf } from "../store/contract";
import { breather } from "./gentle-json";

export const PAGE_BYTES = 8 * 1024 * 1024;

/** A page's items, each as the JSON text sent for it, made when asked for. */
export type ItemsJson = { count: number; json(i: number): string };

/** `head`'s JSON with `"contact":text` as its last member. */
const withContact = (head: object, text: string) => `${JSON.stringify(head).slice(0, -1)},"contact":${text}}`;

/** The feed's changes as JSON, each contact's text spliced in where the store gave it (the JSON
 *  of the change as it is, otherwise). */
export function changesJson(page: ChangePage): ItemsJson {
  const { changes } = page;
  const texts = contactTextsOf(page);
  return {
    count: changes.length,
    json(i) {
      const text = texts?.[i];
      const c = changes[i];
      if (text == null) return JSON.stringify(c);
      const { uid, etag, deleted, modifiedAt, href } = c;
      return withContact(
        href === undefined ? { uid, etag, deleted, modifiedAt } : { uid, etag, deleted, modifiedAt, href },
        text,
      );
    },
  };
}

/** The listing's contacts as JSON (uid, etag and contact), likewise. */
export function contactsJson(page: ContactPage): ItemsJson {
  const texts = contactTextsOf(page);
  return {
    count: page.contacts.length,
    json(i) {
      const text = texts?.[i];
      const { uid, etag } = page.contacts[i];
      return text == null
        ? JSON.stringify({ uid, etag, contact: page.contacts[i].contact })
        : withContact({ uid, etag }, text);
    },
  };
}

/** The JSON of the leading items that fit in `budget` bytes; at least one, so a page always moves on. */
export async function textsWithin(items: ItemsJson, budget = PAGE_BYTES): Promise<string[]> {
  const pause = breather();
  const texts: string[] = [];
  let bytes = 0;
  for (let i = 0; i < items.count; i++) {
    const text = items.json(i);
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
  itemsOf: (page: P) => ItemsJson,
  rest: (page: P) => Record<string, unknown>,
  limit: number,
): Promise<void> {
  let page = await read(limit);
  let texts = await textsWithin(itemsOf(page));
  if (texts.length < itemsOf(page).count) {
    page = await read(texts.length);
    texts = await textsWithin(itemsOf(page));
  }
  const after = JSON.stringify(rest(page)).slice(1); // "}" or '"field":…}'
  res.type("application/json").send(`{${JSON.stringify(key)}:[${texts.join(",")}]${after === "}" ? "}" : `,${after}`}`);
}
