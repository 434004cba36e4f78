// What an import does with each contact: create it, update the contact it duplicates, or skip
// it. A duplicate is found by the vCard UID, then by an e-mail address (case ignored), then by
// the full name together with a phone number (digits only), in that order.
import type { Contact } from "../../contact/contact";

export const duplicateModes = ["skip", "update", "add"] as const;
export type DuplicateMode = (typeof duplicateModes)[number];

// Each key is JSON text, a string of its own. A value read from a CSV file is, in V8, a slice of
// the text window it was read from (1 MiB), which stays alive while the slice does, and so is a
// string derived from it that equals it (an address already in lower case): an index keeping
// such a key of every record kept the file's whole text (21 MB at the import bench).
/** What a contact is found by, in order: each e-mail address (case ignored), then its full name
 *  with each phone number (digits only). */
function keysOf(contact: Contact): { emails: string[]; namePhones: string[] } {
  const emails = contact.emails.map((e) => JSON.stringify(e.address.toLowerCase()));
  const name = contact.displayName.trim().toLowerCase().replace(/\s+/g, " ");
  const namePhones: string[] = [];
  if (name)
    for (const phone of contact.phones) {
      const digits = phone.number.replace(/\D/g, "");
      if (digits) namePhones.push(JSON.stringify([name, digits]));
    }
  return { emails, namePhones };
}

/** The contacts of a book, by what duplicates are found by; contacts planned for creation join it.
 *  `keys`, where given, are keysOf(contact), for a caller that both looks a contact up and adds it.
 *  (Two maps, not one: a map's table doubles as it grows, and two smaller ones waste less of it.) */
export function duplicateIndex() {
  const uids = new Set<string>();
  const emails = new Map<string, string>();
  const namePhones = new Map<string, string>();

  /** Adds a contact under `uid`. `byUid`: it is found by its uid too, as a book's contacts and
   *  those a file gave a uid are; a uid the import made up is one no file can name. */
  function add(contact: Contact, uid = contact.uid, byUid = true, keys = keysOf(contact)): void {
    if (byUid) uids.add(uid);
    for (const k of keys.emails) if (!emails.has(k)) emails.set(k, uid);
    for (const k of keys.namePhones) if (!namePhones.has(k)) namePhones.set(k, uid);
  }

  /** The uid of the contact this one duplicates, if any. `byUid`: the file gave the contact its uid. */
  function find(contact: Contact, byUid: boolean, keys = keysOf(contact)): string | undefined {
    if (byUid && uids.has(contact.uid)) return contact.uid;
    for (const k of keys.emails) {
      const hit = emails.get(k);
      if (hit) return hit;
    }
    for (const k of keys.namePhones) {
      const hit = namePhones.get(k);
      if (hit) return hit;
    }
    return undefined;
  }

  return { add, find, has: (uid: string) => uids.has(uid) };
}
export type DuplicateIndex = ReturnType<typeof duplicateIndex>;

export type RowPlan =
  | { action: "create"; uid: string }
  | { action: "update"; uid: string }
  | { action: "skip"; uid: string };

/** The plan for one contact. `freshUid`: the uid a created contact gets when the file gave it
 *  none, or its own is taken; it must be the same every time the row is planned, and one no file
 *  can name (the index does not look it up by uid). */
export function planRow(
  contact: Contact,
  hasUid: boolean,
  index: DuplicateIndex,
  mode: DuplicateMode,
  freshUid: string,
): RowPlan {
  const keys = keysOf(contact);
  const duplicate = index.find(contact, hasUid, keys);
  if (duplicate && mode === "skip") return { action: "skip", uid: duplicate };
  if (duplicate && mode === "update") return { action: "update", uid: duplicate };
  const own = hasUid && !index.has(contact.uid);
  const uid = own ? contact.uid : freshUid;
  index.add(contact, uid, own, keys);
  return { action: "create", uid };
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === "" ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/** An update: what the file says replaces what the book has, field by field; fields the file
 *  leaves empty keep the book's values. */
export function mergeImported(existing: Contact, imported: Contact): Contact {
  const merged: Record<string, unknown> = { ...existing };
  for (const [key, value] of Object.entries(imported)) if (key !== "uid" && !isEmpty(value)) merged[key] = value;
  return merged as Contact;
}
