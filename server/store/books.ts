// Mailtraq's three contact structures as stored: one Global Address Book, Personal Address
// Books per user (shareable read or read-write), and the read-only Local Directory. Who may
// see and write which is not decided here: that is server/access/policy.ts.
import { insertOr } from "../db/duplicate-key";
import { randomBytes } from "node:crypto";
import type { BookDoc, Models, ShareDoc } from "../db/models";
import { dropCheckpoints } from "./contacts/checkpoints";
import { versionChain } from "./version-chain";
import type { BookRecord, BookStore, ContactStore, ShareRecord } from "./contract";
import { storeError } from "./errors";

export const GAB_ID = "gab";
export const DIRECTORY_ID = "directory";

export const newBookId = () => `p${randomBytes(9).toString("base64url").replace(/[-_]/g, "x")}`;

const record = (b: BookDoc): BookRecord => ({ id: b._id, kind: b.kind, name: b.name, owner: b.owner ?? null });
const shareRecord = (s: ShareDoc): ShareRecord => ({ book: s.book, username: s.username, access: s.access });

export function createBooks(models: Models, store: Pick<ContactStore, "createBook">): BookStore {
  const { Book, Share } = models;

  async function getBook(id: string): Promise<BookRecord | null> {
    const book = await Book.findById(id).lean<BookDoc>();
    return book && record(book);
  }

  const systemBooks = async () =>
    (await Book.find({ kind: { $in: ["gab", "directory"] } }).lean<BookDoc[]>()).map(record);
  const pabs = async (owner?: string) =>
    (await Book.find(owner === undefined ? { kind: "pab" } : { kind: "pab", owner }).lean<BookDoc[]>()).map(record);
  const booksByIds = async (ids: string[]) =>
    ids.length ? (await Book.find({ _id: { $in: ids } }).lean<BookDoc[]>()).map(record) : [];
  const allBookIds = async () => (await Book.find({}).lean<BookDoc[]>()).map((b) => b._id);

  /** Book names are unique per owner. A check, not a constraint: two racing creates can both pass it. */
  async function assertNameFree(owner: string, name: string, except?: string) {
    const same = await Book.find({ kind: "pab", owner, name }).lean<BookDoc[]>();
    if (same.some((b) => b._id !== except))
      throw storeError("conflict", `${owner} already has an address book named ${name}`);
  }

  async function createPab(
    name: string,
    owner: string,
    opts: { id?: string; freeName?: boolean } = {},
  ): Promise<BookRecord> {
    const { id = newBookId(), freeName = false } = opts;
    if (freeName)
      name = freeNameAmong(
        name,
        (await pabs(owner)).map((b) => b.name),
      );
    await assertNameFree(owner, name);
    await store.createBook({ id, kind: "pab", name, owner });
    return { id, kind: "pab", name, owner };
  }

  async function updatePab(id: string, patch: { name?: string; owner?: string }): Promise<BookRecord> {
    const book = await getBook(id);
    if (book?.kind !== "pab") throw storeError("not-found", "No such address book");
    const owner = patch.owner ?? book.owner!;
    if (owner !== book.owner && !(await models.User.exists({ _id: owner })))
      throw storeError("not-found", `No user named ${owner}`);
    const name = patch.name ?? book.name;
    await assertNameFree(owner, name, id);
    await Book.updateOne({ _id: id }, { $set: { name, owner } });
    // The new owner has full access already: a share of their own book would only confuse listings.
    if (owner !== book.owner) await Share.deleteOne({ _id: `${id}:${owner}` });
    return { ...book, name, owner };
  }

  /** The owner of the lease a deleted book's chain ends with. */
  const DELETED = "book-deleted";
  type LeaseValue = { owner: string; until: Date; released: boolean; base: number; head: number; horizon: number };
  const leases = versionChain<LeaseValue>(models.BookLease.collection, models.BookLeaseHint.collection);

  async function deletePab(id: string): Promise<void> {
    const book = await Book.findById(id).lean<BookDoc>();
    if (!book) {
      // A deletion that stopped half-way (the book is already invisible): finish it.
      if (await leases.latest(id)) return dropBookData(id);
      throw storeError("not-found", "No such address book");
    }
    if (book.kind !== "pab") throw storeError("forbidden", `The ${book.name} cannot be deleted`);
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
    await dropCheckpoints(models, id);
    await Share.deleteMany({ book: id });
    await models.BookLease.deleteMany({ key: id });
    await models.BookLeaseHint.deleteOne({ _id: id });
  }

  async function takeForever(id: string): Promise<void> {
    const giveUpAt = Date.now() + 45_000; // longer than a writer's lease (contacts/lease.ts)
    for (;;) {
      const cur = await leases.latest(id);
      if (!cur || cur.value.owner === DELETED) return;
      const free = cur.value.released || new Date(cur.value.until).getTime() < Date.now();
      const head = cur.value.released ? cur.value.head : cur.value.base;
      const forever = {
        owner: DELETED,
        until: new Date(8.64e15),
        released: false,
        base: head,
        head,
        horizon: cur.value.horizon,
      };
      if (free && (await leases.append(id, cur.n + 1, forever))) return;
      if (Date.now() > giveUpAt) throw storeError("busy", "The address book is busy; retry shortly");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const shareOf = async (book: string, username: string) => {
    const share = await Share.findById(`${book}:${username}`).lean<ShareDoc>();
    return share && shareRecord(share);
  };
  const sharesOfBook = async (book: string) => (await Share.find({ book }).lean<ShareDoc[]>()).map(shareRecord);
  const sharesForUser = async (username: string) =>
    (await Share.find({ username }).lean<ShareDoc[]>()).map(shareRecord);

  async function putShare(share: ShareRecord): Promise<ShareRecord> {
    const { book, username, access } = share;
    if (!(await models.User.exists({ _id: username }))) throw storeError("not-found", `No user named ${username}`);
    if (username === (await getBook(book))?.owner) throw storeError("forbidden", "The owner already has full access");
    await Share.replaceOne(
      { _id: `${book}:${username}` },
      { _id: `${book}:${username}`, book, username, access },
      { upsert: true },
    );
    return { book, username, access };
  }

  async function deleteShare(book: string, username: string): Promise<void> {
    await Share.deleteOne({ _id: `${book}:${username}` });
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

  return {
    getBook,
    ensureSystemBooks,
    systemBooks,
    pabs,
    booksByIds,
    allBookIds,
    createPab,
    updatePab,
    deletePab,
    shareOf,
    sharesOfBook,
    sharesForUser,
    putShare,
    deleteShare,
  };
}

/** `name`, or "name (2)", "name (3)", … whichever of them `taken` does not hold. */
export function freeNameAmong(name: string, taken: string[]): string {
  const used = new Set(taken);
  const base = name.replace(/ \(\d+\)$/, "");
  let candidate = name;
  for (let k = 2; used.has(candidate); k++) candidate = `${base} (${k})`;
  return candidate;
}
