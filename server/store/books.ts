// Mailtraq's three contact structures as stored: one Global Address Book, Personal Address
// Books per user (shareable read or read-write), and the read-only Local Directory. Who may
// see and write which is not decided here: that is server/access/policy.ts.
import { insertOr } from "../db/duplicate-key";
import { randomBytes } from "node:crypto";
import type { BookDoc, Models, ShareDoc } from "../db/models";
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

  const systemBooks = async () => (await Book.find({ kind: { $in: ["gab", "directory"] } }).lean<BookDoc[]>()).map(record);
  const pabs = async (owner?: string) =>
    (await Book.find(owner === undefined ? { kind: "pab" } : { kind: "pab", owner }).lean<BookDoc[]>()).map(record);
  const booksByIds = async (ids: string[]) =>
    ids.length ? (await Book.find({ _id: { $in: ids } }).lean<BookDoc[]>()).map(record) : [];
  const allBookIds = async () => (await Book.find({}).lean<BookDoc[]>()).map((b) => b._id);

  async function createPab(name: string, owner: string, id = newBookId()): Promise<BookRecord> {
    await store.createBook({ id, kind: "pab", name, owner });
    return { id, kind: "pab", name, owner };
  }

  const shareOf = async (book: string, username: string) => {
    const share = await Share.findById(`${book}:${username}`).lean<ShareDoc>();
    return share && shareRecord(share);
  };
  const sharesOfBook = async (book: string) => (await Share.find({ book }).lean<ShareDoc[]>()).map(shareRecord);
  const sharesForUser = async (username: string) => (await Share.find({ username }).lean<ShareDoc[]>()).map(shareRecord);

  async function putShare(share: ShareRecord): Promise<ShareRecord> {
    const { book, username, access } = share;
    if (!(await models.User.exists({ _id: username }))) throw storeError("not-found", `No user named ${username}`);
    if (username === (await getBook(book))?.owner) throw storeError("forbidden", "The owner already has full access");
    await Share.replaceOne({ _id: `${book}:${username}` }, { _id: `${book}:${username}`, book, username, access }, { upsert: true });
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
    getBook, ensureSystemBooks, systemBooks, pabs, booksByIds, allBookIds, createPab,
    shareOf, sharesOfBook, sharesForUser, putShare, deleteShare,
  };
}
