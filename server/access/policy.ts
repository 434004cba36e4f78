// The one access policy: who may see, write, share and restore which book, and which books a
// caller works with. Every surface asks here; none re-implements a rule. Refusals are store
// errors (not-found for a book the caller may not see, so hidden books do not betray their
// existence; read-only or forbidden otherwise), which each protocol words in its own table.
import type { z } from "zod";
import type { bookSchema } from "../../core/api/schemas";
import type { Access, Accounts, BookRecord, BookStore } from "../store/contract";
import { storeError } from "../store/errors";

/** Who is asking: the signed-in user. */
export type Caller = { _id: string; admin?: boolean | null };
/** A book as one caller sees it. `ownerName`: the owner's display name (null for the GAB and the Directory). */
export type BookView = z.infer<typeof bookSchema>;

export function createAccessPolicy(books: BookStore, accounts: Pick<Accounts, "displayNameOf" | "sessionUser">) {
  /** The caller's access to a book, or undefined when the book is hidden from them. */
  async function accessOf(caller: Caller, book: BookRecord): Promise<Access | undefined> {
    if (book.kind === "directory") return "read";
    if (book.kind === "gab") return caller.admin ? "write" : "read";
    if (book.owner === caller._id || caller.admin) return "write";
    return (await books.shareOf(book.id, caller._id))?.access;
  }

  const view = (book: BookRecord, access: Access): BookView => ({ ...book, access });

  /** The book, when the caller may see it; not-found otherwise. */
  async function visibleBook(caller: Caller, id: string): Promise<BookView> {
    const book = await books.getBook(id);
    const access = book && (await accessOf(caller, book));
    if (!book || !access) throw storeError("not-found", "No such address book");
    return view(book, access);
  }

  /** The book, when the caller may change its contacts; read-only when they may only see it. */
  async function writableBook(caller: Caller, id: string): Promise<BookView> {
    const book = await visibleBook(caller, id);
    if (book.access !== "write") throw storeError("read-only", readOnlyMessage(book));
    return book;
  }

  /** Bringing deleted contacts back is a write: whoever may write the book may restore in it. */
  const restorableBook = writableBook;

  /** Only the owner or an admin manages a PAB's shares; the GAB and Directory are not shareable. */
  async function shareableBook(caller: Caller, id: string): Promise<BookView> {
    const book = await visibleBook(caller, id);
    if (book.kind !== "pab")
      throw storeError("forbidden", `The ${book.name} cannot be shared: every user already sees it`);
    if (book.owner !== caller._id && !caller.admin) {
      throw storeError("forbidden", "Only the owner of this address book or an administrator can change its shares");
    }
    return book;
  }

  /** A PAB the caller may rename, give away or delete: its owner's own or, for an admin, any. Only an
   *  administrator gives a book to another user. */
  async function changeablePab(caller: Caller, id: string, patch: { owner?: string } = {}): Promise<BookView> {
    const book = await visibleBook(caller, id);
    if (book.kind !== "pab") throw storeError("forbidden", `The ${book.name} cannot be renamed, given away or deleted`);
    if (book.owner !== caller._id && !caller.admin) {
      throw storeError("forbidden", "Only the owner of this address book or an administrator can change it");
    }
    if (patch.owner !== undefined && patch.owner !== book.owner && !caller.admin) {
      throw storeError("forbidden", "Only an administrator can give an address book to another user");
    }
    return book;
  }

  /** As changeablePab; a user's primary book goes only with the user. */
  async function deletablePab(caller: Caller, id: string): Promise<BookView> {
    const book = await changeablePab(caller, id);
    const owner = book.owner ? await accounts.sessionUser(book.owner) : null;
    if (owner?.primaryBook === id) {
      throw storeError(
        "conflict",
        `${book.name} is ${book.owner}'s primary address book: it goes only when the user is deleted`,
      );
    }
    return book;
  }

  /** A user creates their own books; only an administrator creates one for another user. */
  function mayCreateBookFor(caller: Caller, owner: string): void {
    if (owner !== caller._id && !caller.admin) {
      throw storeError("forbidden", "Only an administrator can create an address book for another user");
    }
  }

  /** The books a caller works with: their own PABs, PABs shared with them, the GAB and the
   *  Directory, admins included (an admin may still open any PAB by id). `all`: every book,
   *  for administrators only. Each with `owner` (user name) and `ownerName` (display name). */
  async function listBooks(caller: Caller, scope: "mine" | "all" = "mine"): Promise<BookView[]> {
    if (scope === "all" && !caller.admin)
      throw storeError("forbidden", "Only an administrator can list every address book");
    const [system, own, shares] = await Promise.all([
      books.systemBooks(),
      books.pabs(scope === "all" ? undefined : caller._id),
      books.sharesForUser(caller._id),
    ]);
    const shared = await books.booksByIds(shares.map((s) => s.book));
    const seen = new Set<string>();
    const views: BookView[] = [];
    for (const book of [...system, ...own, ...shared]) {
      if (seen.has(book.id)) continue;
      seen.add(book.id);
      const access = await accessOf(caller, book);
      if (access) views.push(view(book, access));
    }
    // One lookup by _id per owner (the one filter FerretDB indexes), not one per book.
    const owners = [...new Set(views.flatMap((v) => (v.owner ? [v.owner] : [])))];
    const names = new Map(await Promise.all(owners.map(async (o) => [o, await accounts.displayNameOf(o)] as const)));
    for (const v of views) v.ownerName = v.owner ? (names.get(v.owner) ?? null) : null;
    const order = { gab: 0, directory: 1, pab: 2 };
    return views.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
  }

  return {
    accessOf,
    visibleBook,
    writableBook,
    restorableBook,
    shareableBook,
    changeablePab,
    deletablePab,
    mayCreateBookFor,
    listBooks,
  };
}

export type AccessPolicy = ReturnType<typeof createAccessPolicy>;

function readOnlyMessage(book: BookView): string {
  if (book.kind === "directory") return "The Local Directory is read-only: it lists the local users and mailing lists";
  if (book.kind === "gab") return "The Global Address Book is read-only for you: only an administrator publishes it";
  return `You have read-only access to ${book.name}`;
}
