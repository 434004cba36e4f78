// Deleted contacts, listed and read back for restores: a tombstone keeps the deleted content
// until the purge (TOMBSTONE_RETENTION_DAYS) drops it.
import type { Contact } from "../../../core/contact/contact";
import { contactName } from "../../../core/sync/reconcile";
import type { ContactDoc } from "../../db/models";
import type { ContactRecovery, DeletedItem } from "../contract";
import { storeError } from "../errors";
import { docId, type StoreContext } from "./context";

type Tombstone = { uid: string; deletedAt?: Date | string | null; deletedBy?: string | null; contact?: unknown };

const cursorOf = (t: { at: number; uid: string }) => Buffer.from(JSON.stringify([t.at, t.uid])).toString("base64url");
function decodeCursor(cursor: string): { at: number; uid: string } {
  try {
    const [at, uid] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Number.isSafeInteger(at) && typeof uid === "string") return { at, uid };
  } catch {}
  throw storeError("invalid", "The cursor is not one this listing handed out; list again without it");
}

/** Newest deletion first (ties by uid), from just after the cursor: shared by both stores. */
export function pageDeleted(tombstones: Tombstone[], limit: number, cursor?: string) {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const keyed = tombstones
    .filter((t) => t.contact)
    .map((t) => ({ t, at: new Date(t.deletedAt ?? 0).getTime(), uid: t.uid }))
    .sort((a, b) => b.at - a.at || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0))
    .filter((k) => !after || k.at < after.at || (k.at === after.at && k.uid > after.uid));
  const page = keyed.slice(0, limit);
  const deleted: DeletedItem[] = page.map(({ t, at }) => ({
    uid: t.uid,
    displayName: contactName(t.contact as Contact, t.uid),
    deletedAt: new Date(at).toISOString(),
    deletedBy: t.deletedBy ?? null,
  }));
  return { deleted, cursor: keyed.length > limit ? cursorOf(page[page.length - 1]) : null };
}

/** What a restore brings back: the tombstone's content; conflict when the uid is live again. */
export function deletedContent(doc: (Tombstone & { deleted?: boolean | null }) | null | undefined): Contact {
  if (doc && !doc.deleted) throw storeError("conflict", "This contact was created again since it was deleted");
  if (!doc?.contact) throw storeError("not-found", "No deleted contact with this uid is kept");
  return doc.contact as Contact;
}

export function createRecovery({ models }: StoreContext): ContactRecovery {
  const Contacts = models.ContactDoc;
  return {
    // A filtered find scans on FerretDB (only a lone _id filter is indexed): fine for a page a
    // person opens now and then, never on a sync's path.
    deletedItems: async (book, limit, cursor) =>
      pageDeleted(await Contacts.find({ book, deleted: true }).lean<ContactDoc[]>(), limit, cursor),
    deletedVersion: async (book, uid) => deletedContent(await Contacts.findById(docId(book, uid)).lean<ContactDoc>()),
  };
}
