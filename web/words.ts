// Sentences and orderings the Contacts page shares between its parts.
import type { Contact } from "../core/contact/contact";
import type { Book } from "./api";

/** Why a book cannot be edited, in the server's words (server/access/policy.ts, readOnlyMessage). */
export function readOnlyReason(book: Book): string {
  if (book.kind === "directory") return "The Local Directory is read-only: it lists the local users and mailing lists";
  if (book.kind === "gab") return "The Global Address Book is read-only for you: only an administrator publishes it";
  return `You have read-only access to ${book.name}, shared with you by ${book.ownerName ?? book.owner}`;
}

export function ownerText(book: Book): string {
  if (book.kind === "gab") return "Everyone";
  if (book.kind === "directory") return "Local users and lists";
  return book.ownerName ?? book.owner ?? "";
}

export const accessText = (book: Book) => (book.access === "write" ? "can edit" : "read-only");

/** The name the list shows: display name, else the name parts, else the first e-mail address. */
export function shownName(contact: Contact): string {
  const n = contact.name ?? {};
  const parts = [n.given, n.family].filter(Boolean).join(" ");
  return contact.displayName || parts || contact.emails[0]?.address || "(no name)";
}

const fold = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();

/** The server's sort key (server/store/search-text.ts, sortKey), for the A–Z jump. */
export function sortKey(uid: string, contact: Contact): string {
  const n = contact.name ?? {};
  const parts = [n.family, n.given].filter(Boolean).join(" ");
  return fold(n.fileAs || contact.displayName || parts || contact.emails[0]?.address || uid);
}

export const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
