// Mailtraq's three contact structures: one Global Address Book, Personal
// Address Books per user (shareable read or read-write), and the read-only
// Local Directory. This module decides who may see and write which.
import { insertOr } from "../db/duplicate-key";
import { randomBytes } from "node:crypto";
import type { BookDoc, Models, UserDoc } from "../db/models";
import { storeError } from "./errors";
import type { ContactStore } from "./contact-store";

export const GAB_ID = "gab";
export const DIRECTORY_ID = "directory";

export type Access = "read" | "write";
export type Caller = Pick<UserDoc, "_id" | "admin">;
/** `ownerName`: the owner's display name (null for the GAB and the Directory), in listings and on create. */
export type BookView = {
  id: string;
  kind: BookDoc["kind"];
  name: string;
  owner: string | null;
  ownerName?: string | null;
  access: Access;
};

export const newBookId = () => `p${randomBytes(9).toString("base64url").replace(/[-_]/g, "x")}`;

export function createBooks(models: Models, store: ContactStore) {
  const { Book, Share } = models;

  /** The caller's access to a book, or undefined when the book is hidden from them. */
  async function accessOf(caller: Caller, book: BookDoc): Promise<Access | undefined> {
    if (book.kind === "directory") return "read";
    if (book.kind === "gab") return caller.admin ? "write" : "read";
    if (book.owner === caller._id || caller.admin) return "write";
    const share = await Share.findById(`${book._id}:${caller._id}`).lean();
    return share?.access;
  }

  const view = (book: BookDoc, access: Access): BookView => ({ id: book._id, kind: book.kind, name: book.name, owner: book.owner ?? null, access });

  /** The book, when the caller may see it; a 404 otherwise, so hidden books do not betray their existence. */
  async function visibleBook(caller: Caller, id: string): Promise<BookView> {
    const book = await Book.findById(id).lean<BookDoc>();
    const access = book && (await accessOf(caller, book));
    if (!book || !access) throw storeError("not-found", "No such address book");
    return view(book, access);
  }

  async function writableBook(caller: Caller, id: string): Promise<BookView> {
    const book = await visibleBook(caller, id);
    if (book.access !== "write") throw storeError("read-only", readOnlyMessage(book));
    return book;
  }

  /** A user's display name, their username when they have none; null for no user. */
  async function displayNameOf(username: string | null | undefined): Promise<string | null> {
    if (!username) return null;
    const user = await models.User.findById(username).lean<UserDoc>();
    return user ? user.displayName || user._id : null;
  }

  /** The books a caller works with: their own PABs, PABs shared with them, the GAB and the
   *  Directory, admins included (an admin may still open any PAB by id). `all`: every book,
   *  for administrators only. */
  async function listBooks(caller: Caller, scope: "mine" | "all" = "mine"): Promise<BookView[]> {
    if (scope === "all" && !caller.admin) throw storeError("forbidden", "Only an administrator can list every address book");
    const [system, own, shares] = await Promise.all([
      Book.find({ kind: { $in: ["gab", "directory"] } }).lean<BookDoc[]>(),
      Book.find(scope === "all" ? { kind: "pab" } : { kind: "pab", owner: caller._id }).lean<BookDoc[]>(),
      Share.find({ username: caller._id }).lean(),
    ]);
    const shared = shares.length ? await Book.find({ _id: { $in: shares.map((s) => s.book) } }).lean<BookDoc[]>() : [];
    const seen = new Set<string>();
    const views: BookView[] = [];
    for (const book of [...system, ...own, ...shared]) {
      if (seen.has(book._id)) continue;
      seen.add(book._id);
      const access = await accessOf(caller, book);
      if (access) views.push(view(book, access));
    }
    // One lookup by _id per owner (the one filter FerretDB indexes), not one per book.
    const owners = [...new Set(views.flatMap((v) => (v.owner ? [v.owner] : [])))];
    const names = new Map(await Promise.all(owners.map(async (o) => [o, await displayNameOf(o)] as const)));
    for (const v of views) v.ownerName = v.owner ? (names.get(v.owner) ?? null) : null;
    const order = { gab: 0, directory: 1, pab: 2 };
    return views.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
  }

  async function createPab(name: string, owner: string): Promise<BookView> {
    const id = newBookId();
    await store.createBook({ id, kind: "pab", name, owner });
    return { id, kind: "pab", name, owner, ownerName: await displayNameOf(owner), access: "write" };
  }

  /** Only the owner or an admin manages a PAB's shares; the GAB and Directory are not shareable. */
  async function managedPab(caller: Caller, id: string): Promise<BookView> {
    const book = await visibleBook(caller, id);
    if (book.kind !== "pab") throw storeError("forbidden", `The ${book.name} cannot be shared: every user already sees it`);
    if (book.owner !== caller._id && !caller.admin) throw storeError("forbidden", "Only the owner of this address book or an administrator can change its shares");
    return book;
  }

  async function share(caller: Caller, id: string, username: string, access: Access) {
    const book = await managedPab(caller, id);
    if (!(await models.User.exists({ _id: username }))) throw storeError("not-found", `No user named ${username}`);
    if (username === book.owner) throw storeError("forbidden", "The owner already has full access");
    await Share.replaceOne({ _id: `${id}:${username}` }, { _id: `${id}:${username}`, book: id, username, access }, { upsert: true });
    return { book: id, username, access };
  }

  async function unshare(caller: Caller, id: string, username: string) {
    await managedPab(caller, id);
    await Share.deleteOne({ _id: `${id}:${username}` });
  }

  async function sharesOf(caller: Caller, id: string) {
    await managedPab(caller, id);
    return (await Share.find({ book: id }).lean()).map((s) => ({ username: s.username, access: s.access }));
  }

  async function ensureSystemBooks() {
    for (const [id, kind, name] of [
      [GAB_ID, "gab", "Global Address Book"],
      [DIRECTORY_ID, "directory", "Local Directory"],
    ] as const) {
      if (await Book.exists({ _id: id })) continue;
      await insertOr(store.createBook({ id, kind, name, owner: null }), () => undefined); // another instance made it first
    }
  }

  return { accessOf, visibleBook, writableBook, listBooks, createPab, share, unshare, sharesOf, ensureSystemBooks };
}

function readOnlyMessage(book: BookView): string {
  if (book.kind === "directory") return "The Local Directory is read-only: it lists the local users and mailing lists";
  if (book.kind === "gab") return "The Global Address Book is read-only for you: only an administrator publishes it";
  return `You have read-only access to ${book.name}`;
}

export type Books = ReturnType<typeof createBooks>;
