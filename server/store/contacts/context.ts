// What the parts of the database contact store share: the models, the clock, the test seams.
import type { Contact } from "../../../core/contact/contact";
import type { Models } from "../../db/models";

export type Clock = () => Date;

/** Test seams. `beforeContactWrite` runs after a writer's last fence check and before its contact
 *  documents are written: where a GC pause or a slow disk can let its lease run out. */
export type StoreHooks = { beforeContactWrite?: (book: string, uids: string[]) => Promise<void> };

export type StoreContext = { models: Models; clock: Clock; hooks: StoreHooks };

export const docId = (book: string, uid: string) => `${book}/${uid}`;

/** A contact document as written: live (with its content) or a tombstone. */
export type StoredDoc = {
  _id: string;
  book: string;
  uid: string;
  seq: number;
  etag: string;
  deleted: boolean;
  deletedAt: Date | null;
  updatedAt: Date;
  contact: Contact | null;
  href?: string | null;
  source?: string | null;
  /** On a tombstone: who deleted it (a deletion made with a WriteContext). */
  deletedBy?: string | null;
  /** The version this one replaced, kept until the published head covers `seq`: readers of a head
   *  below `seq` see `prev` instead, and crash recovery writes it back (see store/contact-store.ts). */
  prev?: Version | null;
};

/** A stored version without the document's identity, as kept in `prev`. */
export type Version = Omit<StoredDoc, "_id" | "book" | "uid" | "prev">;

/** The version a version kept as `prev` becomes when written back. */
export function fromPrev(doc: Pick<StoredDoc, "_id" | "book" | "uid">, prev: Version): StoredDoc {
  return { ...prev, _id: doc._id, book: doc.book, uid: doc.uid, prev: null };
}

/** What a reader of the published `head` sees of a stored document: the document when the head
 *  covers its position, else the version it replaced (if that one is covered), else nothing. A
 *  version past the head is a write not yet published, or a dead writer's, to be rolled back. */
export function visibleAt<D extends Pick<StoredDoc, "_id" | "book" | "uid" | "seq"> & { prev?: Version | null }>(
  doc: D | null | undefined,
  head: number,
): D | null {
  if (!doc) return null;
  if (doc.seq <= head) return doc;
  if (doc.prev && doc.prev.seq <= head) return fromPrev(doc, doc.prev) as unknown as D;
  return null;
}

/** The `prev` to keep for a version that replaces `read`: what readers saw until now. */
export function asPrev(read: StoredDoc | null | undefined): Version | null {
  if (!read) return null;
  const { _id, book, uid, prev, ...version } = read;
  return version;
}
