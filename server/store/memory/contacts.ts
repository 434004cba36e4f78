// The contact store in memory: the same contract as the database store (store/contract.ts),
// held to the same suite (test/store-contract.ts), for protocol and sync tests that need no
// database. One process, no awaits inside a write: every applyWrites is atomic, so there is
// no lease to take and nothing to repair.
import { contentHash } from "../../../core/contact/content-hash";
import type {
  BookInit,
  Change,
  ChangePage,
  ContactRecovery,
  WriteOptions,
  ContactMaintenance,
  ContactPage,
  ContactSearch,
  ContactStore,
  OpResult,
  SearchPage,
  SearchQuery,
  StoredContact,
  WriteOp,
} from "../contract";
import { changedFields } from "../contacts/changed-fields";
import { deletedContent, pageDeleted } from "../contacts/recovery";
import { decide, repeatedUids } from "../contacts/decide";
import { badCursor, tokenExpired } from "../contacts/reads";
import { toChange, toStored } from "../contacts/records";
import { decodeToken, encodeToken, feedStart, hasExpired, nextToken } from "../contacts/tokens";
import { storeError } from "../errors";
import {
  compareEntries,
  decodeSearchCursor,
  encodeSearchCursor,
  keyFor,
  matcher,
  searchable,
  startsFrom,
} from "../search-text";

type Doc = {
  uid: string;
  seq: number;
  etag: string;
  deleted: boolean;
  deletedAt: Date | null;
  updatedAt: Date;
  contact: StoredContact["contact"] | null;
  href: string | null;
  source: string | null;
  deletedBy?: string | null;
};
type Book = { docs: Map<string, Doc>; log: { p: number; u: string }[]; head: number; horizon: number };

export function createMemoryContactStore(
  clock: () => Date = () => new Date(),
): ContactStore & ContactMaintenance & ContactRecovery & ContactSearch & { dropBook(id: string): void } {
  const books = new Map<string, Book>();

  function bookOf(id: string): Book {
    const book = books.get(id);
    if (!book) throw storeError("not-found", "No such address book");
    return book;
  }

  async function createBook(init: BookInit): Promise<void> {
    if (books.has(init.id)) throw storeError("conflict", `The address book ${init.id} exists already`);
    books.set(init.id, { docs: new Map(), log: [], head: 0, horizon: 0 });
  }

  /** Records a new version at the next position. */
  function write(book: Book, doc: Omit<Doc, "seq">): void {
    const seq = ++book.head;
    book.log.push({ p: seq, u: doc.uid });
    book.docs.set(doc.uid, { ...doc, seq });
  }

  async function applyWrites(
    id: string,
    ops: WriteOp[],
    { retrySafe = false, context }: WriteOptions = {},
  ): Promise<OpResult[]> {
    const book = bookOf(id);
    const results = repeatedUids(ops);
    return ops.map((op, i) => {
      if (results[i]) return results[i]!;
      const current = book.docs.get(op.uid) ?? null;
      const etag = op.op === "put" ? contentHash(op.contact) : "";
      const decision = decide(op, current, etag, retrySafe);
      const now = clock();
      if (decision.write === "put" && op.op === "put") {
        const href = op.href ?? current?.href ?? null;
        const doc = { uid: op.uid, etag, deleted: false, deletedAt: null, updatedAt: now, contact: op.contact };
        write(book, { ...doc, href, source: op.source ?? null });
      }
      if (decision.write === "delete" && current) {
        // The tombstone keeps the deleted content and who deleted it, for restores.
        write(book, { ...current, deleted: true, deletedAt: now, updatedAt: now, deletedBy: context?.user ?? null });
      }
      if (context && decision.write) {
        const before = current && !current.deleted ? current.contact : null;
        return { ...decision.result, fields: changedFields(before, op.op === "put" ? op.contact : null) };
      }
      return decision.result;
    });
  }

  async function getContact(id: string, uid: string): Promise<StoredContact | null> {
    const doc = bookOf(id).docs.get(uid);
    return doc && !doc.deleted ? toStored(doc) : null;
  }

  async function lookup(id: string, uids: string[]): Promise<Change[]> {
    const book = bookOf(id);
    return [...new Set(uids)].flatMap((uid) => {
      const doc = book.docs.get(uid);
      return doc ? [toChange(doc)] : [];
    });
  }

  /** Log entries after `after` whose contact still carries them, up to `limit`, as the database reads them. */
  function read(book: Book, after: number, limit: number, withTombstone: (p: number) => boolean) {
    const docs: Doc[] = [];
    let cursor = after;
    for (const e of book.log) {
      if (e.p <= after) continue;
      if (docs.length === limit) break;
      const doc = book.docs.get(e.u);
      if (doc?.seq === e.p && (!doc.deleted || withTombstone(e.p))) docs.push(doc);
      cursor = e.p;
    }
    if (docs.length < limit) cursor = book.head;
    return { docs, cursor, more: cursor < book.head };
  }

  async function changesSince(id: string, since: string | undefined, limit: number): Promise<ChangePage> {
    const book = bookOf(id);
    const from = feedStart(id, since, book.head, book.horizon);
    if (hasExpired(from, book.head, book.horizon)) throw tokenExpired();
    const full = from.fullSince !== undefined;
    const start = from.start ?? 0;
    const { docs, cursor, more } = read(book, from.p, limit, (p) => !full || p > start);
    return { changes: docs.map(toChange), token: nextToken(id, from, cursor, more), more };
  }

  async function listContacts(id: string, cursor: string | undefined, limit: number): Promise<ContactPage> {
    const book = bookOf(id);
    const after = cursor === undefined ? 0 : decodeToken(id, cursor)?.p;
    if (after === undefined || after > book.head) throw badCursor();
    const page = read(book, after, limit, () => false);
    return { contacts: page.docs.map(toStored), cursor: page.more ? encodeToken(id, { p: page.cursor }) : null };
  }

  async function purgeTombstones(id: string, before: Date): Promise<number> {
    const book = bookOf(id);
    const old = [...book.docs.values()].filter((d) => d.deleted && d.deletedAt && d.deletedAt < before);
    // Tokens that might miss one of these deletions must expire.
    book.horizon = Math.max(book.horizon, ...old.map((d) => d.seq));
    for (const d of old) book.docs.delete(d.uid);
    return old.length;
  }

  async function compactLog(id: string): Promise<number> {
    const book = bookOf(id);
    const before = book.log.length;
    book.log = book.log.filter((e) => book.docs.get(e.u)?.seq === e.p);
    return before - book.log.length;
  }

  /** Every live contact of the book that matches, sorted and paged as the database store does. */
  async function search(id: string, query: SearchQuery, limit: number, cursor?: string): Promise<SearchPage> {
    const after = cursor === undefined ? undefined : decodeSearchCursor(cursor);
    const match = matcher(query);
    const from = startsFrom(query.from);
    const hits = [...bookOf(id).docs.values()]
      .filter((d) => !d.deleted)
      .map((d) => ({ d, s: searchable(d.uid, d.contact!) }))
      .filter(({ s }) => match(s))
      .map(({ d, s }) => ({ d, key: keyFor(s, query.sort), uid: d.uid }))
      .filter((h) => (after ? compareEntries(h, after) > 0 : from === undefined || h.key >= from))
      .sort(compareEntries);
    const page = hits.slice(0, limit);
    const last = hits.length > limit ? page[page.length - 1] : undefined;
    return { contacts: page.map((h) => toStored(h.d)), cursor: last ? encodeSearchCursor(last) : null };
  }

  const countLive = async (id: string) => [...bookOf(id).docs.values()].filter((d) => !d.deleted).length;

  /** A deleted book's contacts and log (the memory books store calls it; one step, so never half-done). */
  const dropBook = (id: string) => void books.delete(id);

  const deletedItems = async (id: string, limit: number, cursor?: string) =>
    pageDeleted(
      [...bookOf(id).docs.values()].filter((d) => d.deleted),
      limit,
      cursor,
    );
  const deletedVersion = async (id: string, uid: string) => deletedContent(bookOf(id).docs.get(uid));

  const photoHashes = async () =>
    new Set(
      [...books.values()].flatMap((b) =>
        [...b.docs.values()].flatMap((d) => (d.contact?.photo?.hash ? [d.contact.photo.hash] : [])),
      ),
    );

  return {
    createBook,
    applyWrites,
    getContact,
    lookup,
    changesSince,
    listContacts,
    purgeTombstones,
    compactLog,
    dropBook,
    photoHashes,
    deletedItems,
    deletedVersion,
    search,
    countLive,
  };
}
