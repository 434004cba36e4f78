// What an import does with each contact: create it, update the contact it duplicates, or skip
// it. A duplicate is found by the vCard UID, then by an e-mail address (case ignored), then by
// the full name together with a phone number (digits only), in that order.
import type { Contact } from "../../contact/contact";

export const duplicateModes = ["skip", "update", "add"] as const;
export type DuplicateMode = (typeof duplicateModes)[number];

const nameKey = (c: Contact) => c.displayName.trim().toLowerCase().replace(/\s+/g, " ");
const digits = (n: string) => n.replace(/\D/g, "");
const phoneKeys = (c: Contact) =>
  c.phones.map((p) => `${nameKey(c)}|${digits(p.number)}`).filter((k) => !k.endsWith("|"));

/** The contacts of a book, by what duplicates are found by; contacts planned for creation join it. */
export function duplicateIndex() {
  const uids = new Set<string>();
  const emails = new Map<string, string>();
  const namePhones = new Map<string, string>();

  function add(contact: Contact): void {
    uids.add(contact.uid);
    for (const e of contact.emails)
      if (!emails.has(e.address.toLowerCase())) emails.set(e.address.toLowerCase(), contact.uid);
    if (nameKey(contact)) for (const k of phoneKeys(contact)) if (!namePhones.has(k)) namePhones.set(k, contact.uid);
  }

  /** The uid of the contact this one duplicates, if any. `byUid`: the file gave the contact its uid. */
  function find(contact: Contact, byUid: boolean): string | undefined {
    if (byUid && uids.has(contact.uid)) return contact.uid;
    for (const e of contact.emails) {
      const hit = emails.get(e.address.toLowerCase());
      if (hit) return hit;
    }
    if (!nameKey(contact)) return undefined;
    for (const k of phoneKeys(contact)) {
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
 *  none, or its own is taken; it must be the same every time the row is planned. */
export function planRow(
  contact: Contact,
  hasUid: boolean,
  index: DuplicateIndex,
  mode: DuplicateMode,
  freshUid: string,
): RowPlan {
  const duplicate = index.find(contact, hasUid);
  if (duplicate && mode === "skip") return { action: "skip", uid: duplicate };
  if (duplicate && mode === "update") return { action: "update", uid: duplicate };
  const uid = hasUid && !index.has(contact.uid) ? contact.uid : freshUid;
  index.add({ ...contact, uid });
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
