// What an import does with each contact: create it, update the contact it duplicates, or skip
// it. A duplicate is found by the vCard UID, then by an e-mail address (case ignored), then by
// the full name together with a phone number (digits only), in that order.
import type { Contact } from "../../contact/contact";
import { packedMap } from "./packed-map";

export const duplicateModes = ["skip", "update", "add"] as const;
export type DuplicateMode = (typeof duplicateModes)[number];

/** What a contact is found by, in order: each e-mail address (case ignored), then its full name
 *  with each phone number (digits only). A tag tells the kinds apart in one map: "e" an address,
 *  "n" a name and digits (after the last NUL, as digits have none), "u" a uid. */
function keysOf(contact: Contact): string[] {
  const keys = contact.emails.map((e) => `e${e.address.toLowerCase()}`);
  const name = contact.displayName.trim().toLowerCase().replace(/\s+/g, " ");
  if (name)
    for (const phone of contact.phones) {
      const digits = phone.number.replace(/\D/g, "");
      if (digits) keys.push(`n${name}\u0000${digits}`);
    }
  return keys;
}

/** The contacts of a book, by what duplicates are found by; contacts planned for creation join it.
 *  `keys`, where given, are keysOf(contact), for a caller that both looks a contact up and adds it.
 *  The keys are held as bytes (packed-map.ts), so the index keeps no string of the file's text. */
export function duplicateIndex() {
  const map = packedMap();

  /** Adds a contact under `uid`. `byUid`: it is found by its uid too, as a book's contacts and
   *  those a file gave a uid are; a uid the import made up is one no file can name. */
  function add(contact: Contact, uid = contact.uid, byUid = true, keys = keysOf(contact)): void {
    map.addAll(byUid ? [`u${uid}`, ...keys] : keys, uid);
  }

  /** The uid of the contact this one duplicates, if any. `byUid`: the file gave the contact its uid. */
  function find(contact: Contact, byUid: boolean, keys = keysOf(contact)): string | undefined {
    if (byUid && map.has(`u${contact.uid}`)) return contact.uid;
    for (const k of keys) {
      const hit = map.get(k);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  return { add, find, has: (uid: string) => map.has(`u${uid}`) };
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
  if (duplicate && mode === "update") {
    // What the file gives the contact finds it from here on too, as its updated version has it.
    index.add(contact, duplicate, false, keys);
    return { action: "update", uid: duplicate };
  }
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
