// Mailtraq's three contact structures: one Global Address Book, Personal
// Address Books per user (shareable read or read-write), and the read-only
// Local Directory. This module decides who may see and write which.
import { insertOr } from "../db/duplicate-key";
import { randomBytes } from "node:crypto";
import type { BookDoc, Models, UserDoc } from "../db/models";
import { busy, conflict, forbidden, notFound } from "../http/errors";
import type { ContactStore } from "./contact-store";
import { versionChain } from "./version-chain";

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

/** The owner of the lease that a deleted book's chain ends with. */
const DELETED = "book-deleted";

export function createBooks(models: Models, store: ContactStore) {
  const { Book, Share } = models;
  type LeaseValue = { owner: string; until: Date; released: boolean; base: number; head: number; horizon: number };
  const leases = versionChain<LeaseValue>(models.BookLease.collection, models.BookLeaseHint.collection);

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
    if (!book || !access) throw notFound("No such address book");
    return view(book, access);
  }

  async function writableBook(caller: Caller, id: string): Promise<BookView> {
    const book = await visibleBook(caller, id);
    if (book.access !== "write") throw forbidden(readOnlyMessage(book));
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
    if (scope === "all" && !caller.admin) throw forbidden("Only an administrator can list every address book");
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

  /** Book names are unique per owner. A check, not a constraint: two racing creates can both pass it. */
  async function assertNameFree(owner: string, name: string, except?: string) {
    const same = await Book.find({ kind: "pab", owner, name }).lean<BookDoc[]>();
    if (same.some((b) => b._id !== except)) throw conflict(`${owner} already has an address book named ${name}`);
  }

  /** `freeName`: take "name (2)", "name (3)", … when the name is taken (a re-created user whose
   *  old books were kept), instead of refusing. */
  async function createPab(name: string, owner: string, { freeName = false } = {}): Promise<BookView> {
    if (freeName) {
      const taken = new Set((await Book.find({ kind: "pab", owner }).lean<BookDoc[]>()).map((b) => b.name));
      for (let k = 2; taken.has(name); k++) name = `${name.replace(/ \(\d+\)$/, "")} (${k})`;
    }
    await assertNameFree(owner, name);
    const id = newBookId();
    await store.createBook({ id, kind: "pab", name, owner });
    return { id, kind: "pab", name, owner, ownerName: await displayNameOf(owner), access: "write" };
  }

  /** Only the owner or an admin manages a PAB's shares; the GAB and Directory are not shareable. */
  async function managedPab(caller: Caller, id: string): Promise<BookView> {
    const book = await visibleBook(caller, id);
    if (book.kind !== "pab") throw forbidden(`The ${book.name} cannot be shared: every user already sees it`);
    if (book.owner !== caller._id && !caller.admin) throw forbidden("Only the owner of this address book or an administrator can change its shares");
    return book;
  }

  async function share(caller: Caller, id: string, username: string, access: Access) {
    const book = await managedPab(caller, id);
    if (!(await models.User.exists({ _id: username }))) throw notFound(`No user named ${username}`);
    if (username === book.owner) throw forbidden("The owner already has full access");
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

  /** A PAB the caller may rename or delete: its owner's or, for an admin, anyone's. */
  async function ownedPab(caller: Caller, id: string): Promise<BookDoc> {
    const view = await visibleBook(caller, id);
    if (view.kind !== "pab") throw forbidden(`The ${view.name} cannot be renamed, reassigned or deleted`);
    if (view.owner !== caller._id && !caller.admin) throw forbidden("Only the owner of this address book or an administrator can change it");
    return (await Book.findById(id).lean<BookDoc>())!;
  }

  /** Renames a PAB and, for an administrator, gives it to another user (a deleted user's books, say). */
  async function updatePab(caller: Caller, id: string, patch: { name?: string; owner?: string }): Promise<BookView> {
    const book = await ownedPab(caller, id);
    if (patch.owner !== undefined && patch.owner !== book.owner) {
      if (!caller.admin) throw forbidden("Only an administrator can give an address book to another user");
      if (!(await models.User.exists({ _id: patch.owner }))) throw notFound(`No user named ${patch.owner}`);
    }
    const owner = patch.owner ?? book.owner!;
    const name = patch.name ?? book.name;
    await assertNameFree(owner, name, id);
    await Book.updateOne({ _id: id }, { $set: { name, owner } });
    // The new owner has full access already: a share of their own book would only confuse listings.
    if (owner !== book.owner) await Share.deleteOne({ _id: `${id}:${owner}` });
    const updated = await visibleBook(caller, id);
    return { ...updated, ownerName: await displayNameOf(updated.owner) };
  }

  /** Deletes a PAB with its contacts, log and shares. A user's primary book goes only with the user. */
  async function deletePab(caller: Caller, id: string, opts: { withOwner?: boolean } = {}): Promise<void> {
    const book = await Book.findById(id).lean<BookDoc>();
    if (!book) {
      // A deletion that stopped half-way (the book is already invisible): finish it.
      if (caller.admin && (await leases.latest(id))) return dropBookData(id);
      throw notFound("No such address book");
    }
    await ownedPab(caller, id);
    const primaryOf = book.owner ? await models.User.findById(book.owner).lean<UserDoc>() : null;
    if (primaryOf?.primaryBook === id && !opts.withOwner) {
      throw conflict(`${book.name} is ${book.owner}'s primary address book: it goes only when the user is deleted`);
    }
    // The book document goes first: from then on no route finds the book, so no new write
    // starts and nothing half-deleted is ever listed. The rest follows; a re-run finishes it.
    await Book.deleteOne({ _id: id });
    await dropBookData(id);
  }

  /** Removes a deleted book's data. A lease that never ends is taken first, so a write already
   *  under way finishes before and none starts after; the lease chain goes last, after which a
   *  writer still queued gets "no such address book". */
  async function dropBookData(id: string): Promise<void> {
    await takeForever(id);
    await models.ContactDoc.deleteMany({ book: id });
    await models.LogChunk.deleteMany({ book: id });
    await Share.deleteMany({ book: id });
    await models.BookLease.deleteMany({ key: id });
    await models.BookLeaseHint.deleteOne({ _id: id });
  }

  async function takeForever(id: string): Promise<void> {
    const giveUpAt = Date.now() + 45_000; // longer than a writer's lease (contact-store.ts)
    for (;;) {
      const cur = await leases.latest(id);
      if (!cur || cur.value.owner === DELETED) return;
      const free = cur.value.released || new Date(cur.value.until).getTime() < Date.now();
      const head = cur.value.released ? cur.value.head : cur.value.base;
      const forever = { owner: DELETED, until: new Date(8.64e15), released: false, base: head, head, horizon: cur.value.horizon };
      if (free && (await leases.append(id, cur.n + 1, forever))) return;
      if (Date.now() > giveUpAt) throw busy("The address book is busy; retry shortly");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Every PAB a user owns, for deleting or reassigning them with the user. */
  const pabsOwnedBy = async (owner: string) => (await Book.find({ kind: "pab", owner }).lean<BookDoc[]>()).map((b) => view(b, "write"));

  return {
    accessOf,
    visibleBook,
    writableBook,
    listBooks,
    createPab,
    share,
    unshare,
    sharesOf,
    ensureSystemBooks,
    updatePab,
    deletePab,
    pabsOwnedBy,
  };
}

function readOnlyMessage(book: BookView): string {
  if (book.kind === "directory") return "The Local Directory is read-only: it lists the local users and mailing lists";
  if (book.kind === "gab") return "The Global Address Book is read-only for you: only an administrator publishes it";
  return `You have read-only access to ${book.name}`;
}

export type Books = ReturnType<typeof createBooks>;
