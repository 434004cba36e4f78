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
};
