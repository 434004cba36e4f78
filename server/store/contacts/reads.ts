// Reads: one contact, many by uid, the paged listing and the change feed. Nothing here takes
// the lease: readers see the log up to the published head only.
import type { ContactDoc } from "../../db/models";
import { type Change, type ChangePage, type ContactPage, type StoredContact, withContactTexts } from "../contract";
import { storeError } from "../errors";
import type { CachedReads } from "./cached-reads";
import { changeOf, storedOf, toChange, toStored } from "./records";
import { docId, type StoreContext, type StoredDoc, visibleAt } from "./context";
import type { Leases } from "./lease";
import type { ContactLog } from "./log";
import { decodeToken, encodeToken, feedStart, hasExpired, nextToken } from "./tokens";

/** A listing cursor never expires (nothing it skips is purged): one the book never handed out is bad input. */
export const badCursor = () =>
  storeError("invalid", "The cursor is not one this listing handed out; list again without it");

export const tokenExpired = () =>
  storeError(
    "token-expired",
    "This sync token is unknown or older than the tombstone retention; sync again from the start",
  );

/** Full reads (no token, and the listing) come from the instance's cache, brought up to the
 *  published head through the log's reader (cached-reads.ts); reads from a token read the log. */
export function createReads({ models }: StoreContext, leases: Leases, log: ContactLog, cached: CachedReads) {
  const Contacts = models.ContactDoc;

  /** The stored version as a reader of the published head sees it (see visibleAt). */
  async function visible(book: string, uid: string): Promise<StoredDoc | null> {
    for (let tries = 1; ; tries++) {
      const doc = await Contacts.findById(docId(book, uid)).lean<StoredDoc>();
      if (!doc) return null;
      const seen = visibleAt(doc, (await leases.published(book)).head);
      // Two writes landed between reading the head and the document: the head has moved, read it again.
      if (seen || !doc.prev || tries === 3) return seen;
    }
  }

  async function getContact(book: string, uid: string): Promise<StoredContact | null> {
    const doc = await visible(book, uid);
    if (!doc || doc.deleted) return null;
    return toStored(doc as ContactDoc);
  }

  /** RFC 6578-style change feed: no token means every live contact (and the deletions made while
   *  the pages are read); an unknown or purged token has expired. */
  async function changesSince(book: string, since: string | undefined, limit: number): Promise<ChangePage> {
    const { head, horizon } = await leases.published(book);
    const from = feedStart(book, since, head, horizon);
    if (hasExpired(from, head, horizon)) throw tokenExpired();
    const full = from.fullSince !== undefined;
    // A full read skips tombstones of deletions made before it began (the reader never had
    // those contacts), but delivers those made since, which may remove contacts it delivered.
    const start = from.start ?? 0;
    const keep = (p: number) => !full || p > start;
    if (!full) {
      const { docs, cursor, more } = await log.read(book, head, from.p, limit, keep);
      return { changes: docs.map(toChange), token: nextToken(book, from, cursor, more), more };
    }
    const { docs, cursor, more } = await cached.fullPage(book, head, horizon, from.p, limit, keep);
    const page = { changes: docs.map(changeOf), token: nextToken(book, from, cursor, more), more };
    return withContactTexts(
      page,
      docs.map((d) => d.text),
    );
  }

  /** The stored version of each uid the book knows, live or tombstone; unknown uids are left out. */
  async function lookup(book: string, uids: string[]): Promise<Change[]> {
    await leases.published(book); // not-found for a book that does not exist
    const docs = (await Promise.all([...new Set(uids)].map((uid) => visible(book, uid)))) as ContactDoc[];
    return docs.flatMap((d) => (d ? [toChange(d)] : []));
  }

  /** Every live contact, paged by an opaque cursor. */
  async function listContacts(book: string, cursor: string | undefined, limit: number): Promise<ContactPage> {
    const { head, horizon } = await leases.published(book);
    const after = cursor === undefined ? 0 : decodeToken(book, cursor)?.p;
    if (after === undefined || after > head) throw badCursor();
    const page = await cached.fullPage(book, head, horizon, after, limit, () => false);
    const contacts = {
      contacts: page.docs.map(storedOf),
      cursor: page.more ? encodeToken(book, { p: page.cursor }) : null,
    };
    return withContactTexts(
      contacts,
      page.docs.map((d) => d.text),
    );
  }

  return { getContact, changesSince, lookup, listContacts, search: cached.search, countLive: cached.countLive };
}
