// What a contact search matches and sorts on, shared by the database store's cache and the
// memory twin so both answer a query alike. Matching ignores case and accents (NFD, then the
// combining marks dropped); a query of digits and phone punctuation also matches phone digits.
import type { Contact } from "../../core/contact/contact";
import type { SearchQuery, SearchSort } from "./contract";
import { storeError } from "./errors";

const MARKS = /\p{M}/gu;
const SEPARATOR = "\u0001";

/** Lower case, no accents: "Ångström" and "angstrom" compare equal. */
export const fold = (text: string) => text.normalize("NFD").replace(MARKS, "").toLowerCase();
const digitsOf = (text: string) => text.replace(/\D/g, "");

/** The precomputed form of a contact for search: its folded text, phone digits and sort keys
 *  (`key` by name, `companyKey` by company). */
export type Searchable = { text: string; digits: string; key: string; companyKey: string; categories: string[] };

export function searchable(uid: string, contact: Contact): Searchable {
  const n = contact.name ?? {};
  const fields = [
    contact.displayName,
    n.prefix,
    n.given,
    n.middle,
    n.family,
    n.suffix,
    n.nickname,
    n.fileAs,
    contact.company,
    ...contact.emails.map((e) => e.address),
  ];
  return {
    text: fold(fields.filter(Boolean).join(SEPARATOR)),
    digits: contact.phones.map((p) => digitsOf(p.number)).join(SEPARATOR),
    key: sortKey(uid, contact),
    companyKey: companySortKey(uid, contact),
    categories: contact.categories.map(fold),
  };
}

/** The key a search sorts by: by name, or by company. */
export const keyFor = (s: Searchable, sort: SearchSort = "name") => (sort === "company" ? s.companyKey : s.key);

// After every company, so a list by company starts with the companies and ends with the people without one.
const NO_COMPANY = "\uffff";

/** The company (folded), then the name's sort key: each company's people sorted by name within it. */
function companySortKey(uid: string, contact: Contact): string {
  const company = fold(contact.company ?? "").trim();
  return `${company || NO_COMPANY}${SEPARATOR}${sortKey(uid, contact)}`;
}

/** The A–Z jump: a search `from` a letter starts at the first contact whose sort key is at or past it. */
export const startsFrom = (from: string | undefined) => (from === undefined ? undefined : fold(from).trim());

/** File-as, else the display name, else the name parts, else the first e-mail address, else the uid. */
function sortKey(uid: string, contact: Contact): string {
  const n = contact.name ?? {};
  const parts = [n.family, n.given].filter(Boolean).join(" ");
  return fold(n.fileAs || contact.displayName || parts || contact.emails[0]?.address || uid).trim();
}

/** A query prepared once: folded text, and the digits when it reads as a phone number. */
export type Matcher = (s: Searchable) => boolean;

export function matcher(query: SearchQuery): Matcher {
  const text = fold(query.text ?? "").trim();
  const digits = /^[\d\s+\-()./]*\d[\d\s+\-()./]*$/.test(text) ? digitsOf(text) : "";
  const category = query.category === undefined ? undefined : fold(query.category);
  return (s) =>
    (category === undefined || s.categories.includes(category)) &&
    (text === "" || s.text.includes(text) || (digits !== "" && s.digits.includes(digits)));
}

/** Search order: sort key, then uid, so every contact has one place and a cursor stays put. */
export const compareEntries = (a: { key: string; uid: string }, b: { key: string; uid: string }) =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;

/** A search cursor names the last contact given (its sort key and uid): the next page starts after it. */
export const encodeSearchCursor = (at: { key: string; uid: string }) =>
  Buffer.from(JSON.stringify(["s", at.key, at.uid])).toString("base64url");

export function decodeSearchCursor(cursor: string): { key: string; uid: string } {
  try {
    const [tag, key, uid] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (tag === "s" && typeof key === "string" && typeof uid === "string") return { key, uid };
  } catch {
    // falls through to the error below
  }
  throw storeError("invalid", "This search cursor is not one this server handed out", {
    fields: [{ field: "cursor", message: "unknown cursor" }],
  });
}
